package main

// Browser tests of the HTML report: the page is opened in headless
// Chromium, driven through the DevTools protocol (chromedp), and what it
// shows is checked against the run's own counters. They need Chromium
// (Debian's chromium package) and run when GMP_BROWSER=1, as .ci/run sets
// it; GMP_SCREENSHOTS=DIR also saves the screenshots the README shows.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browser opens a headless Chromium for the test, with the flags this
// machine needs (no network but loopback: no background connections).
func browser(t *testing.T) (context.Context, *consoleErrors) {
	t.Helper()
	if os.Getenv("GMP_BROWSER") != "1" {
		t.Skip("browser test: set GMP_BROWSER=1 (needs Chromium; .ci/run does both)")
	}
	path := os.Getenv("GMP_CHROMIUM")
	if path == "" {
		var err error
		if path, err = exec.LookPath("chromium"); err != nil {
			t.Fatalf("GMP_BROWSER=1 but no chromium: %v", err)
		}
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1400, 1000),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	errs := &consoleErrors{}
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				errs.add(m.String())
			}
		}
	}()
	return ctx, errs
}

type consoleErrors struct {
	mu   sync.Mutex
	msgs []string
}

func (c *consoleErrors) add(s string) { c.mu.Lock(); c.msgs = append(c.msgs, s); c.mu.Unlock() }

func (c *consoleErrors) check(t *testing.T) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range c.msgs {
		t.Errorf("the page logged an error: %s", m)
	}
}

// open loads the report at path and waits until it has drawn.
func open(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	abs, _ := filepath.Abs(path)
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+abs),
		chromedp.WaitReady(`body[data-ready="1"]`)); err != nil {
		t.Fatal(err)
	}
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("GMP_SCREENSHOTS")
	if dir == "" {
		return
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1400, 1000)); err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o666); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserScenarioReport: a scenario's report loads without errors;
// its P lanes hold one running slice per goroutine execution the run's
// counters report (context_switches in --stats), and so do its thread
// lanes; the zoom buttons change the visible range; hovering a goroutine
// shows it.
func TestBrowserScenarioReport(t *testing.T) {
	ctx, errs := browser(t)
	dir := t.TempDir()
	page, stats := filepath.Join(dir, "ws.html"), filepath.Join(dir, "ws.json")
	if r := runGmp(t, nil, "run", "workstealing", "--html", page, "--stats", stats); r.code != 0 {
		t.Fatalf("gmp run: %d\n%s", r.code, r.stderr)
	}
	var st struct {
		Runs map[string]struct {
			ContextSwitches int `json:"context_switches"`
		} `json:"runs"`
	}
	b, _ := os.ReadFile(stats)
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	open(t, ctx, page)
	type lane struct {
		Name        string
		Slices, Run int
	}
	lanes := eval[[]lane](t, ctx, `[...document.querySelectorAll("details .lane")].map(e => ({Name: e.dataset.lane, Slices: +e.dataset.slices, Run: +e.dataset.runs}))`)
	var ps, ms, nP int
	for _, l := range lanes {
		switch l.Name[0] {
		case 'P':
			ps += l.Run
			nP++
		case 'M':
			ms += l.Run
		}
	}
	want := st.Runs["go"].ContextSwitches
	if nP != 4 || ps != want || ms != want {
		t.Errorf("%d P lanes with %d running slices, thread lanes %d; want 4 lanes and %d (context_switches)", nP, ps, ms, want)
	}
	span := func() float64 {
		return eval[float64](t, ctx, `(+document.getElementById("range").dataset.t1) - (+document.getElementById("range").dataset.t0)`)
	}
	before := span()
	if err := chromedp.Do(ctx, chromedp.Click("#zoom-in")); err != nil {
		t.Fatal(err)
	}
	if after := span(); after > before*0.51 || after < before*0.49 {
		t.Errorf("zoom in: visible span %v → %v, want half", before, after)
	}
	if err := chromedp.Do(ctx, chromedp.Click("#zoom-reset")); err != nil {
		t.Fatal(err)
	}
	// Hover the middle of P0's lane: a goroutine's slice or nothing, but
	// the tooltip must name a goroutine if one is there.
	tip := eval[string](t, ctx, `(() => {
		const cv = document.querySelector("#tl-host-a canvas"), r = cv.getBoundingClientRect();
		for (let x = 100; x < r.width; x += 3) {
			cv.dispatchEvent(new MouseEvent("mousemove", {clientX: r.left + x, clientY: r.top + 22 + 9, bubbles: true}));
			const tip = document.getElementById("tip");
			if (tip.style.display === "block") return tip.textContent;
		}
		return "";
	})()`)
	if !strings.HasPrefix(tip, "G") || !strings.Contains(tip, "P0 · running") {
		t.Errorf("hovering P0 shows %q, want a goroutine running on P0", tip)
	}
	screenshot(t, ctx, "report-scenario.png")
	errs.check(t)
}

// TestBrowserSweep: a sweep's report has a table row and, in each plot,
// one point per configuration.
func TestBrowserSweep(t *testing.T) {
	ctx, errs := browser(t)
	page := filepath.Join(t.TempDir(), "sweep.html")
	if r := runGmp(t, nil, "run", "schedtrace", "--procs", "1,2,4", "--seeds", "1-2", "--html", page); r.code != 0 {
		t.Fatalf("gmp run: %d\n%s", r.code, r.stderr)
	}
	open(t, ctx, page)
	rows := eval[int](t, ctx, `document.querySelectorAll("#sweep-table tr").length - 1`)
	points := eval[map[string]int](t, ctx, `Object.fromEntries([...document.querySelectorAll("svg.plot")].map(s => [s.dataset.figure, s.querySelectorAll("circle.pt").length]))`)
	if rows != 3 {
		t.Errorf("table has %d rows, want 3", rows)
	}
	if len(points) == 0 {
		t.Fatal("no plots")
	}
	for fig, n := range points {
		if n != 3 {
			t.Errorf("plot of %s has %d points, want one per configuration (3)", fig, n)
		}
	}
	tls := eval[int](t, ctx, `gmpReport.timelines.length`)
	if tls != 3 {
		t.Errorf("%d timelines, want one per configuration", tls)
	}
	screenshot(t, ctx, "report-sweep.png")
	errs.check(t)
}

// TestBrowserLarge: the report of spawn100k (over a million runtime
// events) loads and pans at an interactive rate. It logs the file size,
// the load time and the time of each redraw.
func TestBrowserLarge(t *testing.T) {
	ctx, errs := browser(t)
	page := filepath.Join(t.TempDir(), "big.html")
	if r := runGmp(t, nil, "run", "spawn100k", "--html", page); r.code != 0 {
		t.Fatalf("gmp run: %d\n%s", r.code, r.stderr)
	}
	fi, _ := os.Stat(page)
	events := eval0(t, page)
	open(t, ctx, page)
	load := eval[float64](t, ctx, `gmpReport.loadMs`)
	// Pan across the whole run at two zooms, one redraw per animation
	// frame, as a drag does.
	frames := eval[[]float64](t, ctx, `(async () => {
		const v = gmpReport.view(), span = v.t1 - v.t0, out = [];
		const frame = () => new Promise(r => requestAnimationFrame(r));
		for (const z of [1, 0.1]) {
			for (let i = 0; i < 30; i++) {
				const t0 = v.t0 + (span - span * z) * i / 29;
				await frame();
				gmpReport.draws.length = 0;
				gmpReport.setView(t0, t0 + span * z);
				out.push(gmpReport.draws.reduce((a, b) => a + b, 0));
			}
		}
		return out;
	})()`)
	slices.Sort(frames)
	med, worst := frames[len(frames)/2], frames[len(frames)-1]
	t.Logf("spawn100k report: %d runtime events, %.1f MB, load %.0f ms, redraw median %.1f ms, max %.1f ms",
		events, float64(fi.Size())/1e6, load, med, worst)
	if events < 1_000_000 {
		t.Errorf("only %d events: not a 1M-event run", events)
	}
	if load > 30000 || med > 100 {
		t.Errorf("load %.0f ms, median redraw %.1f ms: too slow to use", load, med)
	}
	errs.check(t)
}

// eval0 reads the event count the report's timeline holds.
func eval0(t *testing.T, page string) int64 {
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(b), `"events":`)
	var n int64
	fmt.Sscan(string(b[i+len(`"events":`):]), &n)
	return n
}
