package manager

import (
	"context"
	"fmt"

	"github.com/metahost/metahost/host/plugin/catalog"
	"github.com/metahost/metahost/host/raftstore"
	"github.com/prometheus/client_golang/prometheus"
)

// Collector returns a Prometheus collector of every catalog plugin as this
// node runs it: metahost_plugin_calls_total, _errors_total, _restarts_total,
// _breaker_open (1 while the circuit breaker rejects calls) and the
// latency percentiles, labelled by plugin, kind and runtime.
func (m *Manager) Collector() prometheus.Collector { return pluginCollector{m: m} }

var (
	pluginLabels    = []string{"plugin", "kind", "runtime"}
	descCalls       = prometheus.NewDesc("metahost_plugin_calls_total", "Calls to the plugin on this node.", pluginLabels, nil)
	descErrors      = prometheus.NewDesc("metahost_plugin_errors_total", "Calls to the plugin that failed on this node.", pluginLabels, nil)
	descRestarts    = prometheus.NewDesc("metahost_plugin_restarts_total", "Restarts of the plugin's process on this node.", pluginLabels, nil)
	descBreakerOpen = prometheus.NewDesc("metahost_plugin_breaker_open", "1 while the plugin's circuit breaker rejects calls.", pluginLabels, nil)
	descEnabled     = prometheus.NewDesc("metahost_plugin_enabled", "1 if the plugin is enabled in the catalog.", pluginLabels, nil)
	descLatencyP50  = prometheus.NewDesc("metahost_plugin_latency_p50_seconds", "Median latency of the plugin's last 1024 calls.", pluginLabels, nil)
	descLatencyP99  = prometheus.NewDesc("metahost_plugin_latency_p99_seconds", "99th percentile latency of the plugin's last 1024 calls.", pluginLabels, nil)
	pluginDescs     = []*prometheus.Desc{descCalls, descErrors, descRestarts, descBreakerOpen, descEnabled, descLatencyP50, descLatencyP99}
)

type pluginCollector struct{ m *Manager }

func (c pluginCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range pluginDescs {
		ch <- d
	}
}

func (c pluginCollector) Collect(ch chan<- prometheus.Metric) {
	var entries []catalog.Entry
	err := c.m.catalog.View(context.Background(), raftstore.ReadOptions{Stale: true}, func(r catalog.Reader) error {
		entries = r.Entries()
		return nil
	})
	if err != nil {
		// The scrape reports the failure instead of silently dropping every
		// plugin series.
		ch <- prometheus.NewInvalidMetric(descCalls, fmt.Errorf("read the plugin catalog: %w", err))
		return
	}
	for _, e := range entries {
		st := c.m.Status(e)
		labels := []string{e.Name, e.Kind, e.Runtime}
		ch <- prometheus.MustNewConstMetric(descCalls, prometheus.CounterValue, float64(st.Calls), labels...)
		ch <- prometheus.MustNewConstMetric(descErrors, prometheus.CounterValue, float64(st.Errors), labels...)
		ch <- prometheus.MustNewConstMetric(descRestarts, prometheus.CounterValue, float64(st.Restarts), labels...)
		ch <- prometheus.MustNewConstMetric(descBreakerOpen, prometheus.GaugeValue, boolValue(st.Breaker == "open"), labels...)
		ch <- prometheus.MustNewConstMetric(descEnabled, prometheus.GaugeValue, boolValue(e.Enabled), labels...)
		ch <- prometheus.MustNewConstMetric(descLatencyP50, prometheus.GaugeValue, float64(st.P50)/1e9, labels...)
		ch <- prometheus.MustNewConstMetric(descLatencyP99, prometheus.GaugeValue, float64(st.P99)/1e9, labels...)
	}
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
