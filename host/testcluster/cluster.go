package testcluster

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// DefaultToken is the token of a cluster whose Options leave Token empty.
const DefaultToken = "testcluster-token"

// DefaultHeartbeatTimeout is the raft heartbeat (and election) timeout of a
// cluster whose Options leave HeartbeatTimeout zero: short, so a failover
// takes about a second, yet long enough not to flap on a loaded 2-core CI
// machine.
const DefaultHeartbeatTimeout = 500 * time.Millisecond

// Bounds of the cluster-level waits in Start.
const (
	startTimeout = 90 * time.Second
	statusWait   = 2 * time.Second
	pollEvery    = 50 * time.Millisecond
	dumpLines    = 80
)

// Options configure the nodes of a cluster.
type Options struct {
	// Token is every node's --token (DefaultToken if empty).
	Token string
	// LogLevel is every node's --log-level ("info" if empty).
	LogLevel string
	// SnapshotThreshold and TrailingLogs go into the [raft] section of the
	// nodes' config file when non-zero.
	SnapshotThreshold, TrailingLogs uint64
	// HeartbeatTimeout goes into the config file (DefaultHeartbeatTimeout if
	// zero).
	HeartbeatTimeout time.Duration
	// Config is TOML appended verbatim to the generated config file, for
	// settings the harness does not know about.
	Config string
	// ExtraArgs are appended to every node's command line.
	ExtraArgs []string
}

// Cluster is a set of metahost processes sharing a token and a config file.
// Node ids are 1, 2, 3, ... in the order nodes are added; node 1 bootstraps
// the cluster and the others join through a live member.
type Cluster struct {
	t          testing.TB
	opts       Options
	bin        string
	dir        string
	configPath string
	client     *http.Client

	mu    sync.Mutex
	nodes []*Node
}

// New prepares a cluster with no nodes: it builds the binary and writes the
// config file. Its cleanup kills every process the cluster started, reports
// nodes that exited on their own (a panic, a race report), and logs the tail
// of every node's log if the test failed.
func New(t testing.TB, opts Options) *Cluster {
	t.Helper()
	if opts.Token == "" {
		opts.Token = DefaultToken
	}
	if opts.LogLevel == "" {
		opts.LogLevel = "info"
	}
	if opts.HeartbeatTimeout == 0 {
		opts.HeartbeatTimeout = DefaultHeartbeatTimeout
	}
	c := &Cluster{
		t:    t,
		opts: opts,
		bin:  Build(t),
		// TempDir first: cleanups run last-in first-out, so the processes
		// are dead before the directory is removed.
		dir: t.TempDir(),
		client: &http.Client{
			Timeout: 60 * time.Second,
			Transport: &http.Transport{
				DialContext:         (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
				MaxIdleConnsPerHost: 16,
				IdleConnTimeout:     30 * time.Second,
			},
		},
	}
	c.configPath = filepath.Join(c.dir, "metahost.toml")
	if err := os.WriteFile(c.configPath, []byte(c.configText()), 0o600); err != nil {
		t.Fatalf("testcluster: write config: %v", err)
	}
	t.Cleanup(c.cleanup)
	return c
}

func (c *Cluster) configText() string {
	var b strings.Builder
	b.WriteString("# written by testcluster\n[raft]\n")
	fmt.Fprintf(&b, "heartbeat_timeout = %q\n", c.opts.HeartbeatTimeout.String())
	if c.opts.SnapshotThreshold > 0 {
		fmt.Fprintf(&b, "snapshot_threshold = %d\n", c.opts.SnapshotThreshold)
	}
	if c.opts.TrailingLogs > 0 {
		fmt.Fprintf(&b, "trailing_logs = %d\n", c.opts.TrailingLogs)
	}
	if !strings.Contains(c.opts.Config, "[compaction]") {
		// The compaction scheduler would rewrite rowsets under tests that
		// assert exact versions; tests opt in with their own [compaction].
		b.WriteString("\n[compaction]\ndisable = true\n")
	}
	if c.opts.Config != "" {
		b.WriteString("\n" + c.opts.Config + "\n")
	}
	return b.String()
}

func (c *Cluster) cleanup() {
	for _, n := range c.Nodes() {
		if how, ok := n.crashed(); ok {
			c.t.Errorf("testcluster: node %d exited on its own (%s); log tail:\n%s", n.ID, how, n.LogTail(dumpLines))
		}
		if err := n.Kill(); err != nil {
			c.t.Errorf("testcluster: %v", err)
		}
	}
	if c.t.Failed() {
		for _, n := range c.Nodes() {
			c.t.Logf("testcluster: last %d lines of node %d's log %s:\n%s", dumpLines, n.ID, n.LogPath, n.LogTail(dumpLines))
		}
	}
	c.client.CloseIdleConnections()
}

// Start builds the binary and starts an n-node cluster: node 1 bootstraps,
// nodes 2..n are started with --join node 1. It returns once every node is a
// voter and all agree on the leader (which is node 1), and fails t otherwise.
func Start(t testing.TB, n int, opts Options) *Cluster {
	t.Helper()
	c := New(t, opts)
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	ids := make([]uint64, 0, n)
	for i := 0; i < n; i++ {
		node, err := c.AddNode(ctx)
		if err != nil {
			t.Fatalf("testcluster: %v", err)
		}
		ids = append(ids, node.ID)
		if err := c.WaitVoters(ctx, ids...); err != nil {
			t.Fatalf("testcluster: %v", err)
		}
	}
	if _, err := c.WaitLeader(ctx); err != nil {
		t.Fatalf("testcluster: %v", err)
	}
	return c
}

// Dir returns the cluster's temporary directory (node dirs, config file).
func (c *Cluster) Dir() string { return c.dir }

// ConfigPath returns the nodes' TOML config file.
func (c *Cluster) ConfigPath() string { return c.configPath }

// Token returns the cluster's token.
func (c *Cluster) Token() string { return c.opts.Token }

// Nodes returns every node ever added, in id order.
func (c *Cluster) Nodes() []*Node {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.nodes)
}

// Node returns the node with the given id, or nil.
func (c *Cluster) Node(id uint64) *Node {
	for _, n := range c.Nodes() {
		if n.ID == id {
			return n
		}
	}
	return nil
}

// Live returns the nodes whose processes are running.
func (c *Cluster) Live() []*Node {
	var out []*Node
	for _, n := range c.Nodes() {
		if n.Running() {
			out = append(out, n)
		}
	}
	return out
}

// NewNode allocates the next node id, two free ports and a directory, and
// returns the node without starting it. It joins through the first live
// node, or bootstraps if there is none.
func (c *Cluster) NewNode() *Node {
	c.t.Helper()
	ports := FreePorts(c.t, 2)
	var join string
	if live := c.Live(); len(live) > 0 {
		join = live[0].HTTPAddr
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	id := uint64(len(c.nodes) + 1)
	dir := filepath.Join(c.dir, "node"+strconv.FormatUint(id, 10))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		c.t.Fatalf("testcluster: %v", err)
	}
	n := &Node{
		ID:         id,
		HTTPAddr:   "127.0.0.1:" + strconv.Itoa(ports[0]),
		RaftAddr:   "127.0.0.1:" + strconv.Itoa(ports[1]),
		DataDir:    filepath.Join(dir, "data"),
		Join:       join,
		ConfigPath: c.configPath,
		Token:      c.opts.Token,
		LogLevel:   c.opts.LogLevel,
		ExtraArgs:  slices.Clone(c.opts.ExtraArgs),
		LogPath:    filepath.Join(dir, "metahost.log"),
		bin:        c.bin,
		client:     c.client,
	}
	c.nodes = append(c.nodes, n)
	return n
}

// AddNode starts a new node (see NewNode) and waits until it serves HTTP. A
// joining node serves before its join completes: use WaitVoters to wait for
// the membership.
func (c *Cluster) AddNode(ctx context.Context) (*Node, error) {
	n := c.NewNode()
	if err := n.Start(); err != nil {
		return nil, err
	}
	if err := n.WaitReady(ctx); err != nil {
		return nil, err
	}
	return n, nil
}

// statuses fetches the status of each node, failing on the first error.
func statuses(ctx context.Context, nodes []*Node) ([]Status, error) {
	out := make([]Status, len(nodes))
	for i, n := range nodes {
		sctx, cancel := context.WithTimeout(ctx, statusWait)
		s, err := n.Status(sctx)
		cancel()
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

// WaitLeader polls the status of every live node until exactly one says it
// is the leader and all of them name it as their leader, and returns it.
func (c *Cluster) WaitLeader(ctx context.Context) (*Node, error) {
	return c.waitLeader(ctx, nil)
}

// WaitLeaderAmong is WaitLeader over the given nodes only (for example the
// survivors of a kill, before the killed node is restarted).
func (c *Cluster) WaitLeaderAmong(ctx context.Context, nodes ...*Node) (*Node, error) {
	return c.waitLeader(ctx, nodes)
}

func (c *Cluster) waitLeader(ctx context.Context, among []*Node) (*Node, error) {
	var leader *Node
	err := Poll(ctx, pollEvery, "one leader all nodes agree on", func() (bool, error) {
		nodes := among
		if nodes == nil {
			nodes = c.Live()
		}
		if len(nodes) == 0 {
			return false, fmt.Errorf("no live nodes")
		}
		sts, err := statuses(ctx, nodes)
		if err != nil {
			return false, err
		}
		var leaders []int
		for i, s := range sts {
			if s.IsLeader {
				leaders = append(leaders, i)
			}
		}
		if len(leaders) != 1 {
			return false, fmt.Errorf("%d nodes say they lead", len(leaders))
		}
		l := nodes[leaders[0]]
		for i, s := range sts {
			if s.LeaderID() != l.ID {
				return false, fmt.Errorf("node %d says the leader is %d, node %d says it leads", nodes[i].ID, s.LeaderID(), l.ID)
			}
		}
		leader = l
		return true, nil
	})
	return leader, err
}

// WaitVoters polls until the leader's status lists exactly the given voters
// and every one of them is live and names the same leader.
func (c *Cluster) WaitVoters(ctx context.Context, ids ...uint64) error {
	want := slices.Clone(ids)
	slices.Sort(want)
	return Poll(ctx, pollEvery, fmt.Sprintf("voters %v", want), func() (bool, error) {
		var nodes []*Node
		for _, id := range want {
			n := c.Node(id)
			if n == nil || !n.Running() {
				return false, fmt.Errorf("node %d is not running", id)
			}
			nodes = append(nodes, n)
		}
		sts, err := statuses(ctx, nodes)
		if err != nil {
			return false, err
		}
		for i, s := range sts {
			got := s.VoterIDs()
			slices.Sort(got)
			if !slices.Equal(got, want) {
				return false, fmt.Errorf("node %d lists voters %v", nodes[i].ID, got)
			}
			if s.LeaderID() == 0 || s.LeaderID() != sts[0].LeaderID() {
				return false, fmt.Errorf("node %d names leader %d, node %d names %d", nodes[i].ID, s.LeaderID(), nodes[0].ID, sts[0].LeaderID())
			}
			for _, v := range s.Voters {
				if v.HTTPAPIAddress == "" {
					return false, fmt.Errorf("node %d does not know voter %s's HTTP address yet", nodes[i].ID, v.Name)
				}
			}
		}
		return true, nil
	})
}

// WaitConverged waits for a leader, reads its commit index, and waits until
// every live node has applied up to it, so a stale read on any of them sees
// every write acknowledged before the call. It returns the leader and the
// index.
func (c *Cluster) WaitConverged(ctx context.Context) (*Node, uint64, error) {
	leader, err := c.WaitLeader(ctx)
	if err != nil {
		return nil, 0, err
	}
	st, err := leader.Status(ctx)
	if err != nil {
		return nil, 0, err
	}
	idx := st.CommitIndex
	for _, n := range c.Live() {
		if err := n.WaitApplied(ctx, idx); err != nil {
			return nil, 0, err
		}
	}
	return leader, idx, nil
}
