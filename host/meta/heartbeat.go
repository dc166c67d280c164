package meta

import (
	"context"

	"github.com/metahost/metahost/host/raftstore"
)

// PLACEHOLDER: replaced by the heartbeat operations.

// Heartbeat is what a compute node reports about itself.
type Heartbeat struct{}

// BEStatus is one backend in the FE cloud_cluster_status answer.
type BEStatus struct{}

func (s *Service) registerHeartbeat(h raftstore.Handlers) {}

// ReportHeartbeat records a compute node's heartbeat.
func (s *Service) ReportHeartbeat(ctx context.Context, hb Heartbeat) *Error {
	return invalid("heartbeat not implemented")
}

// CloudClusterStatus returns the backends of every compute cluster, grouped
// by cluster id, with their last heartbeat.
func (s *Service) CloudClusterStatus(ctx context.Context, opts raftstore.ReadOptions, instanceID string) (map[string][]BEStatus, *Error) {
	return nil, invalid("cloud_cluster_status not implemented")
}
