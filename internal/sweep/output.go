package sweep

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// WriteText writes the table for a terminal: one line per configuration
// and simulation, each figure as its median over the seeds with the range
// [min–max] when the seeds disagree (as printed: the CSV and JSON have
// every digit).
func (t *Table) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	var head []string
	for _, k := range t.Knobs {
		head = append(head, k.Flag)
	}
	head = append(head, "run", "seeds", "result")
	keys := t.Keys()
	for _, k := range keys {
		head = append(head, FigureOf(k).Head)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, r := range t.Rows {
		var cells []string
		for _, s := range r.Point {
			cells = append(cells, s.Value)
		}
		cells = append(cells, r.Label, strconv.Itoa(len(r.Seeds)), r.StatusText())
		for _, k := range keys {
			s := r.Summary(k)
			f := FigureOf(k)
			switch {
			case s.N == 0:
				cells = append(cells, "-")
			case s.Min == s.Max || FormatValue(f, s.Min) == FormatValue(f, s.Max):
				// The seeds agree, at the table's precision.
				cells = append(cells, FormatValue(f, s.Median))
			default:
				cells = append(cells, fmt.Sprintf("%s [%s–%s]", FormatValue(f, s.Median), FormatValue(f, s.Min), FormatValue(f, s.Max)))
			}
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	}
	return tw.Flush()
}

// StatusText is "ok", or the count of each ending ("3 ok, 2 deadlock").
func (r *Row) StatusText() string {
	if len(r.Status) == 1 && r.Status["ok"] > 0 {
		return "ok"
	}
	var parts []string
	for _, s := range []string{"ok", "deadlock", "panic", "limit", "fatal", "error"} {
		if n := r.Status[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	return strings.Join(parts, ", ")
}

// WriteCSV writes the table as CSV: the knobs, run, seeds, then each
// figure's median, min and max over the seeds.
func (t *Table) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	var head []string
	for _, k := range t.Knobs {
		head = append(head, k.Flag)
	}
	head = append(head, "run", "seeds", "result")
	keys := t.Keys()
	for _, k := range keys {
		head = append(head, k+"_median", k+"_min", k+"_max")
	}
	cw.Write(head)
	for _, r := range t.Rows {
		var cells []string
		for _, s := range r.Point {
			cells = append(cells, s.Value)
		}
		cells = append(cells, r.Label, strconv.Itoa(len(r.Seeds)), r.StatusText())
		for _, k := range keys {
			s := r.Summary(k)
			if s.N == 0 {
				cells = append(cells, "", "", "")
				continue
			}
			cells = append(cells, num(s.Median), num(s.Min), num(s.Max))
		}
		cw.Write(cells)
	}
	cw.Flush()
	return cw.Error()
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// JSONRow is a row of the JSON table.
type JSONRow struct {
	Config  map[string]string     `json:"config"`
	Run     string                `json:"run"`
	Seeds   []uint64              `json:"seeds"`
	Status  map[string]int        `json:"status"`
	Figures map[string]JSONFigure `json:"figures"`
}

// JSONFigure is a figure over the seeds: the summary and every value, in
// the order of Seeds.
type JSONFigure struct {
	Median float64   `json:"median"`
	Min    float64   `json:"min"`
	Max    float64   `json:"max"`
	Mean   float64   `json:"mean"`
	Values []float64 `json:"values"`
}

// JSONRows converts the table's rows.
func (t *Table) JSONRows() []JSONRow {
	var rows []JSONRow
	for _, r := range t.Rows {
		jr := JSONRow{Config: map[string]string{}, Run: r.Label, Seeds: r.Seeds, Status: r.Status, Figures: map[string]JSONFigure{}}
		for _, s := range r.Point {
			jr.Config[s.Flag] = s.Value
		}
		for _, k := range t.Keys() {
			s := r.Summary(k)
			if s.N == 0 {
				continue
			}
			jr.Figures[k] = JSONFigure{Median: s.Median, Min: s.Min, Max: s.Max, Mean: s.Mean, Values: r.Values[k]}
		}
		rows = append(rows, jr)
	}
	return rows
}

// WriteJSON writes the table as JSON: the knobs and their values, then the
// rows.
func (t *Table) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]any{"knobs": t.Knobs, "rows": t.JSONRows()})
}
