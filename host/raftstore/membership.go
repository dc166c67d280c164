package raftstore

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/hashicorp/raft"
)

// Built-in command types for the node registry.
const (
	cmdNodePut    = "sys.node.put"
	cmdNodeDelete = "sys.node.delete"
	// cmdNoop changes nothing; a new leader proposes it (see
	// watchLeadership).
	cmdNoop = "sys.noop"
)

func nodeKey(id uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], id)
	return b[:]
}

func registerSystemHandlers(h Handlers) {
	if _, ok := h[cmdNodePut]; ok {
		return
	}
	h.Add(cmdNodePut, func(a *Apply) ([]byte, error) {
		var n Node
		if err := json.Unmarshal(a.Command.Data, &n); err != nil || n.ID == 0 {
			return nil, Errorf(CodeInvalid, "bad node record")
		}
		if err := a.Tx.Bucket(bucketSys).Bucket(bucketNodes).Put(nodeKey(n.ID), a.Command.Data); err != nil {
			return nil, err
		}
		return nil, nil
	})
	h.Add(cmdNoop, func(*Apply) ([]byte, error) { return nil, nil })
	h.Add(cmdNodeDelete, func(a *Apply) ([]byte, error) {
		id, err := strconv.ParseUint(string(a.Command.Data), 10, 64)
		if err != nil {
			return nil, Errorf(CodeInvalid, "bad node id")
		}
		return nil, a.Tx.Bucket(bucketSys).Bucket(bucketNodes).Delete(nodeKey(id))
	})
}

// ValidateNode checks a join request's fields.
func ValidateNode(n Node) error {
	if n.ID == 0 {
		return Errorf(CodeInvalid, "node id must be a positive integer")
	}
	if err := validateHostPort(n.RaftAddr); err != nil {
		return Errorf(CodeInvalid, "bad raft address %q: %v", n.RaftAddr, err)
	}
	if err := validateHostPort(n.HTTPAddr); err != nil {
		return Errorf(CodeInvalid, "bad http address %q: %v", n.HTTPAddr, err)
	}
	return nil
}

func validateHostPort(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		return fmt.Errorf("host must be an address other nodes can reach")
	}
	p, err := strconv.Atoi(port)
	if err != nil || p <= 0 || p > 65535 {
		return fmt.Errorf("port must be 1-65535")
	}
	return nil
}

// Join adds n to the cluster as a voter. It is idempotent for a node that is
// already a member at the same address. Followers forward to the leader.
func (s *Store) Join(ctx context.Context, n Node) error {
	if err := ValidateNode(n); err != nil {
		return err
	}
	for {
		if s.IsLeader() {
			err := s.addVoter(ctx, n)
			if err == nil || !isNotLeader(err) {
				return err
			}
		} else if leader, ok := s.Leader(); ok && leader.HTTPAddr != "" {
			body, _ := json.Marshal(n)
			_, err := s.forward(ctx, leader, http.MethodPost, pathJoin, nil, body)
			if err != errRetry {
				return err
			}
		}
		if err := s.waitForLeader(ctx); err != nil {
			return err
		}
	}
}

func (s *Store) addVoter(ctx context.Context, n Node) error {
	if srv, ok := s.server(n.ID); ok {
		if string(srv.Address) != n.RaftAddr {
			return Errorf("ALREADY_EXISTS", "node %d is already a member with raft address %s; remove it first", n.ID, srv.Address)
		}
	} else {
		for _, srv := range s.configuration() {
			if string(srv.Address) == n.RaftAddr {
				return Errorf("ALREADY_EXISTS", "raft address %s already belongs to node %s", n.RaftAddr, srv.ID)
			}
		}
		if err := s.probe(ctx, n); err != nil {
			return err
		}
		f := s.raft.AddVoter(raft.ServerID(strconv.FormatUint(n.ID, 10)), raft.ServerAddress(n.RaftAddr), 0, 30*time.Second)
		if err := f.Error(); err != nil {
			if err == raft.ErrNotLeader || err == raft.ErrLeadershipLost {
				return Errorf(CodeNotLeader, "leadership changed during join")
			}
			return fmt.Errorf("add voter %d: %w", n.ID, err)
		}
		s.logger.Info("node joined", "node", n.ID, "raft_addr", n.RaftAddr, "http_addr", n.HTTPAddr)
	}
	data, _ := json.Marshal(n)
	_, err := s.Propose(ctx, cmdNodePut, data)
	return err
}

// probe checks that a joining node answers on both of its addresses before
// it becomes a voter, so a typo cannot cost the cluster its quorum.
func (s *Store) probe(ctx context.Context, n Node) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", n.RaftAddr)
	if err != nil {
		return Errorf(CodeInvalid, "cannot reach raft address %s of node %d: %v", n.RaftAddr, n.ID, err)
	}
	c.Close()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+n.HTTPAddr+"/v1/health", nil)
	resp, err := s.client.Do(req)
	if err != nil {
		return Errorf(CodeInvalid, "cannot reach http address %s of node %d: %v", n.HTTPAddr, n.ID, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Errorf(CodeInvalid, "http address %s of node %d answered %s", n.HTTPAddr, n.ID, resp.Status)
	}
	return nil
}

// RemoveNode removes a member from the cluster and the node registry.
func (s *Store) RemoveNode(ctx context.Context, id uint64) error {
	for {
		if s.IsLeader() {
			err := s.removeLocal(ctx, id)
			if err == nil || !isNotLeader(err) {
				return err
			}
		} else if leader, ok := s.Leader(); ok && leader.HTTPAddr != "" {
			_, err := s.forward(ctx, leader, http.MethodPost, pathRemove, map[string]string{"node_id": strconv.FormatUint(id, 10)}, nil)
			if err != errRetry {
				return err
			}
		}
		if err := s.waitForLeader(ctx); err != nil {
			return err
		}
	}
}

func (s *Store) removeLocal(ctx context.Context, id uint64) error {
	_, member := s.server(id)
	_, registered := s.Node(id)
	if !member && !registered {
		return Errorf(CodeNotFound, "node %d is not a member of the cluster", id)
	}
	if member {
		f := s.raft.RemoveServer(raft.ServerID(strconv.FormatUint(id, 10)), 0, 30*time.Second)
		if err := f.Error(); err != nil {
			if err == raft.ErrNotLeader || err == raft.ErrLeadershipLost {
				return Errorf(CodeNotLeader, "leadership changed during remove")
			}
			return fmt.Errorf("remove node %d: %w", id, err)
		}
		s.logger.Info("node removed", "node", id)
	}
	if !s.IsLeader() {
		// The leader removed itself; the registry entry is cleaned up by
		// whoever leads next when the operator retries.
		return nil
	}
	_, err := s.Propose(ctx, cmdNodeDelete, []byte(strconv.FormatUint(id, 10)))
	return err
}

func isNotLeader(err error) bool {
	e, ok := err.(*Error)
	return ok && e.Code == CodeNotLeader
}

func (s *Store) configuration() []raft.Server {
	f := s.raft.GetConfiguration()
	if f.Error() != nil {
		return nil
	}
	return f.Configuration().Servers
}

// Membership returns the voters and non-voters of the latest configuration.
func (s *Store) Membership() (voters, nonVoters []Node) {
	for _, srv := range s.configuration() {
		id := parseID(srv.ID)
		n, ok := s.Node(id)
		if !ok {
			n = Node{ID: id, RaftAddr: string(srv.Address)}
		}
		if srv.Suffrage == raft.Voter {
			voters = append(voters, n)
		} else {
			nonVoters = append(nonVoters, n)
		}
	}
	return voters, nonVoters
}
