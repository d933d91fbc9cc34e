// Command scanbench decodes every PNG or JPEG of a folder through the same
// decoder as the camera pipeline and prints one line per file:
//
//	NAME<TAB>PAYLOAD-or--<TAB>MICROSECONDS
//
// (decode time only, file reading excluded; by default the CPU time of the
// decoding thread, which the other work on a shared machine disturbs far
// less than wall time: every decoder here decodes on the calling thread),
// then summary lines starting
// with "#". When the folder holds a manifest.tsv (see camera/cmd/scangen),
// the summary also gives the decode rate per difficulty, wrong reads and
// false positives.
//
//	go run ./camera/cmd/scanbench DIR
//	go run ./camera/cmd/scanbench -decoders guichet,plain DIR
//
// Built with -tags refdecoders (needs libzxing-dev and libzbar-dev), the
// decoders zxingcpp and zbar are also available, timed in-process on the
// same grey planes, and -markdown prints a comparison table.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"guichet/camera"
)

// decodeFunc decodes one grey plane; "" means nothing found.
type decodeFunc func(gray []byte, w, h int) string

func main() {
	names := flag.String("decoders", "guichet", "comma-separated decoders: "+strings.Join(available(), ", "))
	markdown := flag.Bool("markdown", false, "print the comparison as a markdown table")
	repeat := flag.Int("repeat", 1, "decode each frame this many times; the median time is reported")
	clock := flag.String("clock", "cpu", "what to time: cpu (the decoding thread's CPU time; wall where unavailable) or wall")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: scanbench [-decoders a,b] [-markdown] DIR")
		os.Exit(2)
	}
	_, haveCPU := threadCPU()
	useCPU := *clock == "cpu" && haveCPU
	if err := run(os.Stdout, flag.Arg(0), strings.Split(*names, ","), *markdown, *repeat, useCPU); err != nil {
		log.Fatal(err)
	}
}

func run(out io.Writer, dir string, names []string, markdown bool, repeat int, useCPU bool) error {
	paths, err := camera.ImageFiles(dir)
	if err != nil {
		return err
	}
	manifest, err := readManifest(filepath.Join(dir, "manifest.tsv"))
	if err != nil {
		return err
	}
	decs := make([]decodeFunc, len(names))
	for i, n := range names {
		f, closeFn, err := newDecoder(n)
		if err != nil {
			return err
		}
		defer closeFn()
		decs[i] = f
	}
	w := bufio.NewWriter(out)
	defer w.Flush()
	tallies := make([]*tally, len(names))
	for i := range tallies {
		tallies[i] = newTally()
	}
	for _, path := range paths {
		gray, width, height, err := camera.LoadGray(path)
		if err != nil {
			fmt.Fprintf(w, "# skip %s: %v\n", filepath.Base(path), err)
			continue
		}
		base := filepath.Base(path)
		exp, known := manifest[base]
		for i, dec := range decs {
			text, us := timeDecode(dec, gray, width, height, repeat, useCPU)
			prefix := ""
			if len(decs) > 1 {
				prefix = names[i] + "\t"
			}
			shown := text
			if shown == "" {
				shown = "-"
			}
			fmt.Fprintf(w, "%s%s\t%s\t%d\n", prefix, base, shown, us)
			tallies[i].add(exp, known, text, us, height)
		}
	}
	for i, t := range tallies {
		t.summary(w, names[i])
	}
	if markdown {
		writeMarkdown(w, names, tallies)
	}
	return nil
}

// timeDecode decodes repeat times and returns the text and the median time
// in microseconds: the decoding thread's CPU time with useCPU, else wall
// time.
func timeDecode(dec decodeFunc, gray []byte, w, h, repeat int, useCPU bool) (string, int64) {
	repeat = max(repeat, 1)
	times := make([]int64, repeat)
	var text string
	runtime.LockOSThread() // the thread whose CPU time is read is the one decoding
	defer runtime.UnlockOSThread()
	for r := range repeat {
		start, cpu0 := time.Now(), time.Duration(0)
		if useCPU {
			cpu0, _ = threadCPU()
		}
		text = dec(gray, w, h)
		if useCPU {
			cpu1, _ := threadCPU()
			times[r] = (cpu1 - cpu0).Microseconds()
		} else {
			times[r] = time.Since(start).Microseconds()
		}
	}
	return text, median(times)
}

// newDecoder returns the named decoder and a function releasing it.
func newDecoder(name string) (decodeFunc, func(), error) {
	switch name {
	case "guichet":
		d := camera.NewDecoder()
		return textOf(d), func() {}, nil
	case "plain":
		d := camera.NewPlainDecoder()
		return textOf(d), func() {}, nil
	}
	if f, closeFn, ok := refDecoder(name); ok {
		return f, closeFn, nil
	}
	return nil, nil, fmt.Errorf("unknown decoder %q (have %s)", name, strings.Join(available(), ", "))
}

func textOf(d *camera.Decoder) decodeFunc {
	return func(gray []byte, w, h int) string {
		r, ok := d.Decode(gray, w, h)
		if !ok {
			return ""
		}
		return r.Text
	}
}

func available() []string { return append([]string{"guichet", "plain"}, refNames()...) }
