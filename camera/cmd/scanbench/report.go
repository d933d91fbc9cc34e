package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
)

// expectation is one manifest row: the difficulty, the payloads in view
// ("-" for none; reading any of them is right) and the camera situations
// (tags column, optional).
type expectation struct {
	difficulty, payload string
	tags                []string
}

// accepts reports whether text is one of the codes in view.
func (e expectation) accepts(text string) bool {
	return slices.Contains(strings.Split(e.payload, "|"), text)
}

// readManifest loads DIR/manifest.tsv; a missing file gives an empty map.
func readManifest(path string) (map[string]expectation, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]expectation{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open manifest: %w", err)
	}
	defer f.Close()
	m := map[string]expectation{}
	sc := bufio.NewScanner(f)
	tagCol := -1
	for first := true; sc.Scan(); first = false {
		cols := strings.Split(sc.Text(), "\t")
		if first {
			tagCol = slices.Index(cols, "tags")
			continue
		}
		if len(cols) < 3 {
			continue
		}
		e := expectation{difficulty: cols[1], payload: cols[2]}
		if tagCol > 0 && tagCol < len(cols) && cols[tagCol] != "" {
			e.tags = strings.Split(cols[tagCol], ",")
		}
		m[cols[0]] = e
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	return m, nil
}

var difficulties = []string{"easy", "moderate", "hard", "none"}

// tally accumulates one decoder's results.
type tally struct {
	total, found     int
	byDiff, okByDiff map[string]int
	byTag, okByTag   map[string]int // moderate and hard frames, by camera situation
	wrong, falsePos  int
	times            []int64
	timesByHeight    map[int][]int64
	noCodeTimes      map[int][]int64
}

func newTally() *tally {
	return &tally{byDiff: map[string]int{}, okByDiff: map[string]int{}, byTag: map[string]int{}, okByTag: map[string]int{},
		timesByHeight: map[int][]int64{}, noCodeTimes: map[int][]int64{}}
}

func (t *tally) add(exp expectation, known bool, text string, us int64, height int) {
	t.total++
	t.times = append(t.times, us)
	t.timesByHeight[height] = append(t.timesByHeight[height], us)
	if text != "" {
		t.found++
	}
	if !known {
		return
	}
	t.byDiff[exp.difficulty]++
	if exp.payload != "-" && (exp.difficulty == "moderate" || exp.difficulty == "hard") {
		for _, tag := range exp.tags {
			t.byTag[tag]++
			if text != "" && exp.accepts(text) {
				t.okByTag[tag]++
			}
		}
	}
	switch {
	case exp.payload == "-":
		t.noCodeTimes[height] = append(t.noCodeTimes[height], us)
		if text != "" {
			t.falsePos++
		} else {
			t.okByDiff[exp.difficulty]++
		}
	case text != "" && exp.accepts(text):
		t.okByDiff[exp.difficulty]++
	case text != "":
		t.wrong++
	}
}

func (t *tally) summary(w io.Writer, name string) {
	fmt.Fprintf(w, "# %s: %d files, %d decoded, median %d us, p95 %d us\n",
		name, t.total, t.found, median(t.times), percentile(t.times, 95))
	for _, d := range difficulties {
		if n := t.byDiff[d]; n > 0 {
			fmt.Fprintf(w, "# %s: %-8s %3d/%3d %5.1f %%\n", name, d, t.okByDiff[d], n, 100*float64(t.okByDiff[d])/float64(n))
		}
	}
	if len(t.byDiff) > 0 {
		fmt.Fprintf(w, "# %s: wrong payloads %d, false positives %d\n", name, t.wrong, t.falsePos)
	}
	for _, h := range sortedKeys(t.timesByHeight) {
		fmt.Fprintf(w, "# %s: %dp median %d us, p95 %d us, no-code median %d us, max %d us\n", name, h,
			median(t.timesByHeight[h]), percentile(t.timesByHeight[h], 95),
			median(t.noCodeTimes[h]), percentile(t.noCodeTimes[h], 100))
	}
}

func writeMarkdown(w io.Writer, names []string, ts []*tally) {
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| decoder | easy | moderate | hard | no code (correctly empty) | false positives | wrong payloads | median µs 480p | p95 µs 480p | median µs 720p | p95 µs 720p | no-code 720p max µs |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|")
	for i, t := range ts {
		fmt.Fprintf(w, "| %s |", names[i])
		for _, d := range difficulties {
			n := t.byDiff[d]
			if n == 0 {
				fmt.Fprint(w, " – |")
				continue
			}
			fmt.Fprintf(w, " %.0f %% (%d/%d) |", 100*float64(t.okByDiff[d])/float64(n), t.okByDiff[d], n)
		}
		fmt.Fprintf(w, " %d | %d | %d | %d | %d | %d | %d |\n", t.falsePos, t.wrong,
			median(t.timesByHeight[480]), percentile(t.timesByHeight[480], 95),
			median(t.timesByHeight[720]), percentile(t.timesByHeight[720], 95),
			percentile(t.noCodeTimes[720], 100))
	}
	writeTags(w, names, ts)
}

// writeTags prints, per camera situation, how many moderate and hard
// frames each decoder read.
func writeTags(w io.Writer, names []string, ts []*tally) {
	var tags []string
	for tag := range ts[0].byTag {
		tags = append(tags, tag)
	}
	if len(tags) == 0 {
		return
	}
	slices.Sort(tags)
	fmt.Fprintln(w)
	fmt.Fprintf(w, "| moderate + hard frames with | frames | %s |\n", strings.Join(names, " | "))
	fmt.Fprintf(w, "|---|---|%s\n", strings.Repeat("---|", len(names)))
	for _, tag := range tags {
		fmt.Fprintf(w, "| %s | %d |", tag, ts[0].byTag[tag])
		for _, t := range ts {
			fmt.Fprintf(w, " %.0f %% |", 100*float64(t.okByTag[tag])/float64(t.byTag[tag]))
		}
		fmt.Fprintln(w)
	}
}

func sortedKeys(m map[int][]int64) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func median(v []int64) int64 { return percentile(v, 50) }

// percentile uses the nearest-rank method; an empty slice gives 0.
func percentile(v []int64, p int) int64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	rank := (p*len(s) + 99) / 100
	return s[min(max(rank, 1), len(s))-1]
}
