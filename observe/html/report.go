// Package html writes gmp's HTML report: one self-contained file (no
// network at view time) with, for each simulation it holds, a zoomable
// timeline — a lane per P (the goroutine running, coloured by its
// function), a lane per thread (M) with its system calls and spinning,
// plots of goroutine states and run-queue lengths under them, unblock
// arrows on hover, the schedtrace lines at their times — and, for a
// sweep, the table of key figures and a plot of each figure against the
// configurations.
//
// Collector is the observer that records a simulation's Timeline; Write
// puts Timelines and a sweep's table into the page. The page's script and
// style (static/) are gmp's own, a few hundred lines of canvas and SVG:
// the timeline's lanes and plots share one zoom and one level-of-detail
// rule, which libraries built for one or the other do not give.
package html

import (
	_ "embed"
	"encoding/json"
	"html/template"
	"io"
)

//go:embed static/report.js
var reportJS string

//go:embed static/report.css
var reportCSS string

// Report is what one page shows.
type Report struct {
	Title     string      `json:"title"`           // the page's title
	Command   string      `json:"command"`         // the command line that made it
	Timelines []*Timeline `json:"timelines"`       // the simulations drawn
	Sweep     *Sweep      `json:"sweep,omitempty"` // a sweep's table, or nil
}

// Sweep is a sweep's table for the page.
type Sweep struct {
	Knobs   []string      `json:"knobs"`   // the swept flags
	Figures []FigureMeta  `json:"figures"` // the columns
	Rows    []SweepRow    `json:"rows"`    // a row per configuration and simulation
	Configs []SweepConfig `json:"configs"` // the configurations, in order
}

// FigureMeta describes a figure column.
type FigureMeta struct {
	Key    string `json:"key"`  // the JSON name
	Head   string `json:"head"` // the column heading
	IsTime bool   `json:"time"` // ns, shown as a duration
}

// SweepConfig is one configuration: its label and settings.
type SweepConfig struct {
	Label    string   `json:"label"`    // "procs=2 version=go1.25"
	Values   []string `json:"values"`   // one per knob
	Timeline int      `json:"timeline"` // index into Report.Timelines, -1 for none
}

// SweepRow is a configuration's simulation over the seeds.
type SweepRow struct {
	Config int                   `json:"config"` // index into Sweep.Configs
	Run    string                `json:"run"`    // the simulation's label
	Seeds  int                   `json:"seeds"`  // how many seeds ran
	Status string                `json:"status"` // how they ended ("ok", "3 ok, 2 deadlock")
	Values map[string]SweepValue `json:"values"` // by figure key
}

// SweepValue is a figure's median and range over the seeds.
type SweepValue struct {
	Median float64 `json:"median"` // over the seeds
	Min    float64 `json:"min"`    // the smallest
	Max    float64 `json:"max"`    // the largest
}

var page = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>{{.CSS}}</style>
</head><body>
<header><h1>{{.Title}}</h1><code id="command">{{.Command}}</code></header>
<main id="app"></main>
<script type="application/json" id="gmp-data">{{.Data}}</script>
<script>{{.JS}}</script>
</body></html>
`))

// Write writes the report as one HTML page. The same Report writes the
// same bytes.
//
//go:norace
func Write(w io.Writer, r *Report) error {
	if r.Timelines == nil {
		r.Timelines = []*Timeline{}
	}
	data, err := json.Marshal(r) // escapes <, > and &: safe inside <script>
	if err != nil {
		return err
	}
	return page.Execute(w, map[string]any{
		"Title":   r.Title,
		"Command": r.Command,
		"CSS":     template.CSS(reportCSS),
		"JS":      template.JS(reportJS),
		"Data":    template.JS(data),
	})
}
