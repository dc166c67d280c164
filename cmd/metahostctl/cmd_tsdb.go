package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
)

// parsePoints reads data points: a JSON array, a stream of JSON objects
// (one per line or not), or OpenTSDB telnet lines
// "[put ]metric timestamp value tag=v ...". Blank lines and lines starting
// with # are skipped in the telnet form.
func parsePoints(b []byte) ([]json.RawMessage, error) {
	t := bytes.TrimSpace(b)
	if len(t) == 0 {
		return nil, nil
	}
	if t[0] == '[' || t[0] == '{' {
		dec := json.NewDecoder(bytes.NewReader(t))
		var out []json.RawMessage
		for {
			var v json.RawMessage
			err := dec.Decode(&v)
			if err == io.EOF {
				return out, nil
			}
			if err != nil {
				return nil, usagef("points: bad JSON after %d point(s): %w", len(out), err)
			}
			switch v[0] {
			case '[':
				var arr []json.RawMessage
				if err := json.Unmarshal(v, &arr); err != nil {
					return nil, usagef("points: %w", err)
				}
				out = append(out, arr...)
			case '{':
				out = append(out, v)
			default:
				return nil, usagef("points: want JSON objects, got %.20s", v)
			}
		}
	}
	var out []json.RawMessage
	sc := bufio.NewScanner(bytes.NewReader(t))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		f := strings.Fields(sc.Text())
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if f[0] == "put" {
			f = f[1:]
		}
		if len(f) < 3 {
			return nil, usagef("points line %d: want [put ]METRIC TIMESTAMP VALUE [TAG=V]...", line)
		}
		ts, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			return nil, usagef("points line %d: bad timestamp %q", line, f[1])
		}
		val, err := strconv.ParseFloat(f[2], 64)
		if err != nil || math.IsNaN(val) || math.IsInf(val, 0) {
			return nil, usagef("points line %d: bad value %q", line, f[2])
		}
		num := json.Number(f[2])
		if !json.Valid([]byte(f[2])) {
			// e.g. "00", "+1", ".5": send the number it means.
			num = json.Number(strconv.FormatFloat(val, 'g', -1, 64))
		}
		tags := map[string]string{}
		for _, kv := range f[3:] {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || k == "" || v == "" {
				return nil, usagef("points line %d: bad tag %q", line, kv)
			}
			tags[k] = v
		}
		p, err := json.Marshal(map[string]any{"metric": f[0], "timestamp": ts, "value": num, "tags": tags})
		if err != nil {
			return nil, usagef("points line %d: %w", line, err)
		}
		out = append(out, p)
	}
	if err := sc.Err(); err != nil {
		return nil, usagef("points: %w", err)
	}
	return out, nil
}

// progress draws a bar on a terminal.
type progress struct {
	w     io.Writer
	total int
	label string
}

// bar renders done/total as a fixed-width bar.
func bar(done, total, width int) string {
	if total <= 0 {
		total = 1
	}
	if done > total {
		done = total
	}
	fill := done * width / total
	return "[" + strings.Repeat("#", fill) + strings.Repeat("-", width-fill) + "] " +
		fmt.Sprintf("%d/%d %3d%%", done, total, done*100/total)
}

func (p *progress) update(done int) {
	if p == nil {
		return
	}
	fmt.Fprintf(p.w, "\r%s %s", bar(done, p.total, 30), p.label)
	if done >= p.total {
		fmt.Fprintln(p.w)
	}
}

// progressWanted interprets a --progress flag: auto (when stderr is a
// terminal), always or never.
func progressWanted(flag string, e *env) (bool, error) {
	switch flag {
	case "auto":
		return isTerminal(e.stderr), nil
	case "always":
		return true, nil
	case "never":
		return false, nil
	}
	return false, usagef("--progress %q: want auto, always or never", flag)
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// putReport is /api/put?details's answer.
type putReport struct {
	Success int `json:"success"`
	Failed  int `json:"failed"`
	Errors  []struct {
		Datapoint json.RawMessage `json:"datapoint"`
		Error     string          `json:"error"`
	} `json:"errors"`
}

func putCmd(e *env) *cobra.Command {
	var batch int
	var prog string
	c := &cobra.Command{
		Use:   "put FILE|-",
		Short: "Write OpenTSDB data points from a file or stdin (/api/put)",
		Long: `Write data points in batches. The input is a JSON array of points, a stream of JSON point
objects (e.g. one per line), or telnet-style lines "[put ]METRIC TIMESTAMP VALUE TAG=V...".
Each batch is one raft command. A progress bar goes to stderr when it is a terminal
(--progress always|never overrides). Points the server refuses are reported and make the
exit code 1; the other points are written.`,
		Example: "  metahostctl put points.json\n" +
			"  echo 'sys.cpu.user 1700000000 42.5 host=web01' | metahostctl put -\n" +
			"  metahostctl put --batch 5000 big.ndjson -o json",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if batch <= 0 {
				return usagef("--batch must be positive")
			}
			show, err := progressWanted(prog, e)
			if err != nil {
				return err
			}
			b, err := e.readInput(args[0])
			if err != nil {
				return err
			}
			points, err := parsePoints(b)
			if err != nil {
				return err
			}
			if len(points) == 0 {
				return usagef("no data points in %s", args[0])
			}
			var bar *progress
			if show {
				bar = &progress{w: e.stderr, total: len(points), label: "points"}
			}
			cl := e.client()
			var total putReport
			for i := 0; i < len(points); i += batch {
				j := min(i+batch, len(points))
				var body bytes.Buffer
				body.WriteByte('[')
				for k, p := range points[i:j] {
					if k > 0 {
						body.WriteByte(',')
					}
					body.Write(p)
				}
				body.WriteByte(']')
				resp, err := cl.do(cmd.Context(), request{method: http.MethodPost, path: "/api/put", query: url.Values{"details": {""}},
					body: body.Bytes(), ctype: "application/json", auth: true})
				if err != nil {
					return err
				}
				var rep putReport
				if json.Unmarshal(resp.body, &rep) != nil || (rep.Success == 0 && rep.Failed == 0 && resp.status >= 300) {
					// A whole-request error: OpenTSDB's error envelope.
					return cl.tsdbError(resp)
				}
				total.Success += rep.Success
				total.Failed += rep.Failed
				total.Errors = append(total.Errors, rep.Errors...)
				bar.update(j)
			}
			if e.json() {
				out, _ := json.Marshal(total)
				e.printRaw(out)
			} else {
				fmt.Fprintf(e.stdout, "wrote %d point(s), %d failed\n", total.Success, total.Failed)
				for i, f := range total.Errors {
					if i == 10 {
						fmt.Fprintf(e.stdout, "... and %d more\n", len(total.Errors)-10)
						break
					}
					fmt.Fprintf(e.stdout, "  %s: %s\n", f.Datapoint, f.Error)
				}
			}
			if total.Failed > 0 {
				msg := fmt.Sprintf("%d of %d point(s) failed", total.Failed, total.Failed+total.Success)
				if len(total.Errors) > 0 {
					msg += "; first: " + total.Errors[0].Error
				}
				return &apiError{Status: http.StatusBadRequest, Code: "400", Message: msg}
			}
			return nil
		},
	}
	c.Flags().IntVar(&batch, "batch", 1000, "points per request")
	c.Flags().StringVar(&prog, "progress", "auto", "progress bar on stderr: auto (when a terminal), always, never")
	return c
}

func lastCmd(e *env) *cobra.Command {
	var backScan int
	c := &cobra.Command{
		Use:   "last TIMESERIES...",
		Short: "Read the last data point of series (/api/query/last)",
		Long: `Read the last point of each series, given as METRIC or METRIC{TAG=V,...} (OpenTSDB's
timeseries parameter). --back-scan N also looks N hours back when the series has no
point in its last hour row's metadata.`,
		Example: "  metahostctl last 'sys.cpu.user{host=web01}'\n  metahostctl last sys.cpu.user --back-scan 24 -o json",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			q := url.Values{"timeseries": args, "resolve": {"true"}}
			if backScan > 0 {
				q.Set("back_scan", strconv.Itoa(backScan))
			}
			return e.call(cmd, (*client).tsdb, request{method: http.MethodGet, path: "/api/query/last", query: q}, func(b json.RawMessage) error {
				var pts []struct {
					Metric    string            `json:"metric"`
					Timestamp int64             `json:"timestamp"`
					Value     json.RawMessage   `json:"value"`
					Tags      map[string]string `json:"tags"`
					TSUID     string            `json:"tsuid"`
				}
				if err := decode(b, &pts); err != nil {
					return err
				}
				w := e.table("METRIC", "TAGS", "TIMESTAMP", "VALUE", "TSUID")
				for _, p := range pts {
					var tags []string
					for _, k := range slices.Sorted(maps.Keys(p.Tags)) {
						tags = append(tags, k+"="+p.Tags[k])
					}
					v := strings.Trim(string(p.Value), `"`)
					row(w, p.Metric, orDash(strings.Join(tags, ","), "-"), p.Timestamp, v, p.TSUID)
				}
				return w.Flush()
			})
		},
	}
	c.Flags().IntVar(&backScan, "back-scan", 0, "hours to scan back")
	return c
}
