// Command scanlive runs the camera pipeline on a live source and prints
// each decoded text, for demos and support (no UI needed):
//
//	go run ./camera/cmd/scanlive -list                  # capture devices, formats, sizes
//	go run ./camera/cmd/scanlive -device /dev/video0    # a webcam (Linux)
//	go run ./camera/cmd/scanlive -dir DIR -fps 5        # image files played as a camera
//	go run ./camera/cmd/scanlive -synthetic 'PASSCULTURE:v3;TOKEN:ABC234' -duration 5s
//
// Each line: decode latency (capture to text), pass, text. The counters of
// the pipeline follow on stop. Errors print the user-facing French message
// and the technical cause.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"guichet/camera"
)

func main() {
	list := flag.Bool("list", false, "list capture devices and exit")
	device := flag.String("device", "", "V4L2 device path (\"\" with no other source: first device)")
	dir := flag.String("dir", "", "play the PNG/JPEG files of this folder")
	synthetic := flag.String("synthetic", "", "film a synthetic QR code with this payload")
	width := flag.Int("width", 640, "wanted frame width")
	height := flag.Int("height", 480, "wanted frame height")
	fps := flag.Float64("fps", 30, "frame rate of file and synthetic sources")
	duration := flag.Duration("duration", 0, "stop after this long (0: until Ctrl-C or the end of the files)")
	flag.Parse()
	if err := run(*list, *device, *dir, *synthetic, camera.Size{Width: *width, Height: *height}, *fps, *duration); err != nil {
		fmt.Fprintf(os.Stderr, "%s\n(%v)\n", camera.UserMessage(err), err)
		os.Exit(1)
	}
}

func run(list bool, device, dir, synthetic string, size camera.Size, fps float64, duration time.Duration) error {
	if list {
		devs, err := camera.ListDevices()
		if err != nil {
			return err
		}
		if len(devs) == 0 {
			fmt.Println("no capture device")
		}
		for _, d := range devs {
			fmt.Printf("%s\t%s\n", d.Path, d.Name)
			for _, f := range d.Formats {
				fmt.Printf("\t%s (%s): %v\n", f.Pixel, f.Description, f.Sizes)
			}
		}
		return nil
	}
	src, err := open(device, dir, synthetic, size, fps)
	if err != nil {
		return err
	}
	defer src.Close()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, duration)
		defer cancel()
	}
	p := camera.NewPipeline(nil, camera.PipelineOptions{})
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx, src) }()
	for {
		select {
		case r := <-p.Results():
			printResult(r)
		case <-p.Preview():
			// A UI would draw this frame; here it is only consumed.
		case err := <-done:
			for len(p.Results()) > 0 {
				printResult(<-p.Results())
			}
			fmt.Printf("# %+v\n", p.Stats())
			return err
		}
	}
}

func printResult(r camera.Result) {
	fmt.Printf("%6.1f ms\t%s\t%s\n", float64(r.Decoded.Sub(r.Captured).Microseconds())/1000, r.Pass, r.Text)
}

func open(device, dir, synthetic string, size camera.Size, fps float64) (camera.Source, error) {
	switch {
	case dir != "":
		return camera.NewDirSource(dir, camera.FileOptions{FPS: fps})
	case synthetic != "":
		return camera.NewSyntheticSource(camera.SyntheticOptions{
			Payload: synthetic, Width: size.Width, Height: size.Height, FPS: fps, Motion: true, Noise: 4,
		})
	default:
		src, err := camera.Open(camera.Options{Device: device, Size: size})
		if errors.Is(err, camera.ErrUnsupported) {
			return nil, fmt.Errorf("use -dir or -synthetic here: %w", err)
		}
		return src, err
	}
}
