package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

// cuid is a degraded-format cloud_unique_id naming instance, which the
// meta service resolves to the instance (routes that only take a cuid).
func cuid(instance string) string { return "1:" + instance + ":metahostctl" }

// metaCall runs a meta-service route and prints the raw answer for -o json
// or calls human with the envelope's result.
func (e *env) metaCall(cmd *cobra.Command, route string, query url.Values, body any, human func(result json.RawMessage) error, secrets ...string) error {
	cl := e.client()
	cl.secrets = secrets
	raw, env, err := cl.meta(cmd.Context(), route, query, body)
	if err != nil {
		return err
	}
	if e.json() {
		e.printRaw(raw)
		return nil
	}
	return human(env.Result)
}

// msInstance is the part of InstanceInfoPB the table shows.
type msInstance struct {
	InstanceID string `json:"instance_id"`
	Name       string `json:"name"`
	UserID     string `json:"user_id"`
	Status     string `json:"status"`
	SSEEnabled bool   `json:"sse_enabled"`
	Clusters   []struct {
		ClusterID   string `json:"cluster_id"`
		ClusterName string `json:"cluster_name"`
	} `json:"clusters"`
	ObjInfo []struct {
		ID string `json:"id"`
	} `json:"obj_info"`
	VaultNames   []string `json:"storage_vault_names"`
	DefaultVault string   `json:"default_storage_vault_name"`
}

// getInstance runs get_instance and hands the instance to human (-o json
// prints the answer instead).
func (e *env) getInstance(cmd *cobra.Command, id string, human func(msInstance) error) error {
	return e.metaCall(cmd, "get_instance", url.Values{"instance_id": {id}}, nil, func(res json.RawMessage) error {
		var in msInstance
		if err := decode(res, &in); err != nil {
			return err
		}
		return human(in)
	})
}

func instanceCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:     "instance",
		Short:   "Create, show, drop and set the status of Doris instances",
		Example: "  metahostctl instance create demo --vault-path /tmp/metahost-vault\n  metahostctl instance get demo",
	}
	var name, user, vaultPath, data string
	create := &cobra.Command{
		Use:   "create INSTANCE_ID [--name N] [--user-id U] [--vault-path DIR | --data JSON]",
		Short: "Create an instance (create_instance)",
		Long: `Create an instance. --vault-path gives it a local HDFS-style vault (file://DIR) named
built_in_storage_vault; --data sends a whole CreateInstanceRequest (inline JSON, @file or @-)
for any other vault (S3, OSS, ...). Without either the instance has no vault.`,
		Example: "  metahostctl instance create demo --vault-path /tmp/metahost-vault\n" +
			"  metahostctl instance create demo --data @create_instance.json",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var body any
			if data != "" {
				if vaultPath != "" {
					return usagef("--data and --vault-path exclude each other")
				}
				raw, err := e.jsonData(data)
				if err != nil {
					return err
				}
				var m map[string]any
				if err := json.Unmarshal(raw, &m); err != nil {
					return usagef("--data: want a JSON object: %w", err)
				}
				if m["instance_id"] == nil {
					m["instance_id"] = args[0]
				}
				body = m
			} else {
				n := name
				if n == "" {
					n = args[0]
				}
				m := map[string]any{"instance_id": args[0], "name": n, "user_id": user}
				if vaultPath != "" {
					fs := vaultPath
					if !strings.Contains(fs, "://") {
						fs = "file://" + fs
					}
					m["vault"] = map[string]any{"hdfs_info": map[string]any{"build_conf": map[string]any{"fs_name": fs}, "prefix": args[0]}}
				}
				body = m
			}
			return e.metaCall(cmd, "create_instance", nil, body, e.say("created instance %s", args[0]))
		},
	}
	create.Flags().StringVar(&name, "name", "", "instance name (default: the id)")
	create.Flags().StringVar(&user, "user-id", "metahostctl", "user id")
	create.Flags().StringVar(&vaultPath, "vault-path", "", "local directory (or file:// / hdfs:// URL) for an HDFS vault")
	create.Flags().StringVar(&data, "data", "", "the whole request: JSON, @file or @-")
	c.AddCommand(create)

	c.AddCommand(&cobra.Command{
		Use:     "get INSTANCE_ID",
		Short:   "Show an instance (get_instance); sk stays masked",
		Example: "  metahostctl instance get demo\n  metahostctl instance get demo -o json",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.getInstance(cmd, args[0], func(in msInstance) error {
				w := e.table()
				row(w, "Instance:", in.InstanceID)
				row(w, "Name:", in.Name)
				row(w, "User:", in.UserID)
				row(w, "Status:", orDash(in.Status, "NORMAL"))
				row(w, "SSE:", in.SSEEnabled)
				cl := make([]string, len(in.Clusters))
				for i, c := range in.Clusters {
					cl[i] = c.ClusterName + " (" + c.ClusterID + ")"
				}
				row(w, "Clusters:", orDash(strings.Join(cl, ", "), "(none)"))
				row(w, "Obj infos:", len(in.ObjInfo))
				row(w, "Vaults:", orDash(strings.Join(in.VaultNames, ", "), "(none)"))
				row(w, "Default vault:", orDash(in.DefaultVault, "(none)"))
				return w.Flush()
			})
		},
	})
	c.AddCommand(&cobra.Command{
		Use:     "drop INSTANCE_ID",
		Short:   "Drop an instance (drop_instance: marks it DELETED)",
		Example: "  metahostctl instance drop demo",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.metaCall(cmd, "drop_instance", nil, map[string]any{"instance_id": args[0]}, e.say("dropped instance %s", args[0]))
		},
	})
	c.AddCommand(&cobra.Command{
		Use:   "status INSTANCE_ID [NORMAL|OVERDUE]",
		Short: "Show an instance's status, or set it (set_instance_status)",
		Example: "  metahostctl instance status demo\n" +
			"  metahostctl instance status demo OVERDUE",
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				return e.getInstance(cmd, args[0], func(in msInstance) error {
					fmt.Fprintln(e.stdout, orDash(in.Status, "NORMAL"))
					return nil
				})
			}
			st := strings.ToUpper(args[1])
			if st != "NORMAL" && st != "OVERDUE" {
				return usagef("status %q: want NORMAL or OVERDUE", args[1])
			}
			return e.metaCall(cmd, "set_instance_status", nil, map[string]any{"instance_id": args[0], "op": "SET_" + st},
				e.say("instance %s is %s", args[0], st))
		},
	})
	return c
}

func orDash(s, dflt string) string {
	if s == "" {
		return dflt
	}
	return s
}

// msObjInfo is an ObjectStoreInfoPB.
type msObjInfo struct {
	ID       string `json:"id"`
	Provider string `json:"provider"`
	Bucket   string `json:"bucket"`
	Prefix   string `json:"prefix"`
	Endpoint string `json:"endpoint"`
	Region   string `json:"region"`
	AK       string `json:"ak"`
	SK       string `json:"sk"`
}

func vaultCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "vault",
		Short: "Add and list an instance's object storage (add_obj_info, get_obj_store_info)",
		Example: "  metahostctl vault list demo\n" +
			"  METAHOST_SK=... metahostctl vault add demo --provider S3 --bucket b --endpoint s3.example.com --region r --ak AK",
	}
	var o msObjInfo
	var skStdin bool
	add := &cobra.Command{
		Use:   "add INSTANCE_ID --provider P --bucket B --endpoint E --prefix P --region R --ak AK",
		Short: "Add an object store to an instance (add_obj_info)",
		Long: `Add an object store (legacy obj_info) to an instance. The secret key is read from
METAHOST_SK, or from stdin with --sk-stdin, so it never appears in the process list.`,
		Example: "  METAHOST_SK=secret metahostctl vault add demo --provider S3 --bucket b --prefix p --endpoint s3.example.com --region us-east-1 --ak AK\n" +
			"  metahostctl vault add demo --provider OSS ... --ak AK --sk-stdin < sk.txt",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sk := e.getenv("METAHOST_SK")
			if skStdin {
				b, err := e.readInput("-")
				if err != nil {
					return err
				}
				sk = strings.TrimSpace(string(b))
			}
			obj := map[string]any{"provider": strings.ToUpper(o.Provider), "bucket": o.Bucket, "prefix": o.Prefix,
				"endpoint": o.Endpoint, "region": o.Region, "ak": o.AK, "sk": sk}
			for k, v := range obj {
				if v == "" {
					delete(obj, k) // unset, as Doris tells unset from empty
				}
			}
			body := map[string]any{"cloud_unique_id": cuid(args[0]), "obj": obj}
			return e.metaCall(cmd, "add_obj_info", nil, body, e.say("added object store %s/%s to instance %s", o.Bucket, o.Prefix, args[0]), sk)
		},
	}
	f := add.Flags()
	f.StringVar(&o.Provider, "provider", "S3", "S3, OSS, COS, OBS, BOS, GCP or AZURE")
	f.StringVar(&o.Bucket, "bucket", "", "bucket")
	f.StringVar(&o.Prefix, "prefix", "", "key prefix")
	f.StringVar(&o.Endpoint, "endpoint", "", "endpoint")
	f.StringVar(&o.Region, "region", "", "region")
	f.StringVar(&o.AK, "ak", "", "access key id")
	f.BoolVar(&skStdin, "sk-stdin", false, "read the secret key from stdin (default: $METAHOST_SK)")
	c.AddCommand(add)

	var showSecrets bool
	list := &cobra.Command{
		Use:   "list INSTANCE_ID",
		Short: "List an instance's object stores and storage vaults (get_obj_store_info)",
		Long: `List object stores and storage vaults. Secret keys are hidden unless --show-secrets is
given; -o json prints the server's answer as it is (which carries them).`,
		Example: "  metahostctl vault list demo\n  metahostctl vault list demo --show-secrets",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.metaCall(cmd, "get_obj_store_info", nil, map[string]any{"cloud_unique_id": cuid(args[0])}, func(res json.RawMessage) error {
				var r struct {
					ObjInfo []msObjInfo `json:"obj_info"`
					Vaults  []struct {
						ID       string `json:"id"`
						Name     string `json:"name"`
						HDFSInfo struct {
							BuildConf struct {
								FSName string `json:"fs_name"`
							} `json:"build_conf"`
							Prefix string `json:"prefix"`
						} `json:"hdfs_info"`
						ObjInfo *msObjInfo `json:"obj_info"`
					} `json:"storage_vault"`
					DefaultID string `json:"default_storage_vault_id"`
				}
				if err := decode(res, &r); err != nil {
					return err
				}
				head := []string{"KIND", "ID", "NAME", "PROVIDER", "BUCKET/FS", "PREFIX", "ENDPOINT", "REGION", "AK"}
				if showSecrets {
					head = append(head, "SK")
				}
				w := e.table(head...)
				objRow := func(kind, id, name string, o msObjInfo) {
					cells := []any{kind, orDash(id, "-"), orDash(name, "-"), orDash(o.Provider, "-"), orDash(o.Bucket, "-"), orDash(o.Prefix, "-"), orDash(o.Endpoint, "-"), orDash(o.Region, "-"), orDash(o.AK, "-")}
					if showSecrets {
						cells = append(cells, orDash(o.SK, "-"))
					}
					row(w, cells...)
				}
				for _, o := range r.ObjInfo {
					objRow("obj_info", o.ID, "", o)
				}
				for _, v := range r.Vaults {
					name := v.Name
					if v.ID == r.DefaultID && r.DefaultID != "" {
						name += " (default)"
					}
					o := msObjInfo{Provider: "HDFS", Bucket: v.HDFSInfo.BuildConf.FSName, Prefix: v.HDFSInfo.Prefix}
					if v.ObjInfo != nil {
						o = *v.ObjInfo
					}
					objRow("vault", v.ID, name, o)
				}
				return w.Flush()
			})
		},
	}
	list.Flags().BoolVar(&showSecrets, "show-secrets", false, "also print secret keys")
	c.AddCommand(list)
	c.AddCommand(&cobra.Command{
		Use:   "probe INSTANCE_ID",
		Short: "Check every vault of an instance through its provider (put and delete a probe object)",
		Long: `Probe each of the instance's vaults (POST /v1/vaults/{instance_id}/probe). Exits 1 if any
vault fails, printing the provider's reason.`,
		Example: "  metahostctl vault probe demo\n  metahostctl vault probe demo -o json",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := e.client().admin(cmd.Context(), request{method: http.MethodPost, path: "/v1/vaults/" + url.PathEscape(args[0]) + "/probe"})
			if err != nil {
				return err
			}
			var res []struct {
				ID, Name, Provider, Error string
				OK                        bool
			}
			if err := decode(b, &res); err != nil {
				return err
			}
			failed := 0
			for _, v := range res {
				if !v.OK {
					failed++
				}
			}
			if e.json() {
				e.printRaw(b)
			} else {
				w := e.table("ID", "NAME", "PROVIDER", "RESULT")
				for _, v := range res {
					result := "ok"
					if !v.OK {
						result = v.Error
					}
					row(w, v.ID, orDash(v.Name, "-"), v.Provider, result)
				}
				if err := w.Flush(); err != nil {
					return err
				}
			}
			if failed > 0 {
				return &apiError{Status: http.StatusOK, Code: "PROBE_FAILED", Message: fmt.Sprintf("%d of %d vaults of %s failed their probe", failed, len(res), args[0])}
			}
			return nil
		},
	})
	return c
}

// nodeSpec parses [CUID@]HOST:PORT into a NodeInfoPB for a cluster of type typ.
func nodeSpec(instance, typ, spec string, first bool) (map[string]any, error) {
	id, hp, ok := strings.Cut(spec, "@")
	if !ok {
		hp, id = spec, ""
	}
	host, portStr, err := net.SplitHostPort(hp)
	if err != nil {
		return nil, usagef("--node %q: want [CLOUD_UNIQUE_ID@]HOST:PORT", spec)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port <= 0 || port > 65535 {
		return nil, usagef("--node %q: bad port", spec)
	}
	if id == "" {
		id = "1:" + instance + ":" + host + "_" + portStr
	}
	n := map[string]any{"cloud_unique_id": id, "ip": host}
	if typ == "SQL" {
		n["edit_log_port"] = port
		n["node_type"] = "FE_OBSERVER"
		if first {
			n["node_type"] = "FE_MASTER"
		}
	} else {
		n["heartbeat_port"] = port
	}
	return n, nil
}

// msCluster is the part of a ClusterPB the table shows.
type msCluster struct {
	ClusterID   string `json:"cluster_id"`
	ClusterName string `json:"cluster_name"`
	Type        string `json:"type"`
	Status      string `json:"cluster_status"`
	Nodes       []struct {
		CUID          string `json:"cloud_unique_id"`
		IP            string `json:"ip"`
		HeartbeatPort int    `json:"heartbeat_port"`
		EditLogPort   int    `json:"edit_log_port"`
		NodeType      string `json:"node_type"`
		Status        string `json:"status"`
	} `json:"nodes"`
}

func clusterCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "cluster",
		Short: "Add, show, drop, rename clusters and show or set their status",
		Example: "  metahostctl cluster add demo --cluster-id c1 --name c1 --node 127.0.0.1:9050\n" +
			"  metahostctl cluster get demo",
	}
	var id, name, typ, data string
	var nodes []string
	add := &cobra.Command{
		Use:   "add INSTANCE_ID --cluster-id ID --name NAME [--type COMPUTE|SQL] [--node [CUID@]HOST:PORT]...",
		Short: "Add a cluster to an instance (add_cluster)",
		Long: `Add a cluster. Each --node is [CLOUD_UNIQUE_ID@]HOST:PORT: the heartbeat port of a compute
node, the edit log port of an FE (the first FE is the master). The cloud_unique_id defaults to
1:<instance>:<host>_<port>. --data sends the cluster (a ClusterPB) as given instead.`,
		Example: "  metahostctl cluster add demo --cluster-id c1 --name c1 --node 127.0.0.1:9050 --node 127.0.0.2:9050\n" +
			"  metahostctl cluster add demo --cluster-id fe --name fe --type SQL --node 127.0.0.1:9010",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cl, err := clusterBody(e, args[0], id, name, typ, data, nodes)
			if err != nil {
				return err
			}
			return e.metaCall(cmd, "add_cluster", nil, map[string]any{"instance_id": args[0], "cluster": cl},
				e.say("added cluster %s to instance %s", orDash(id, name), args[0]))
		},
	}
	add.Flags().StringVar(&id, "cluster-id", "", "cluster id")
	add.Flags().StringVar(&name, "name", "", "cluster name")
	add.Flags().StringVar(&typ, "type", "COMPUTE", "COMPUTE or SQL")
	add.Flags().StringArrayVar(&nodes, "node", nil, "[CLOUD_UNIQUE_ID@]HOST:PORT, repeatable")
	add.Flags().StringVar(&data, "data", "", "the cluster as a ClusterPB: JSON, @file or @-")
	c.AddCommand(add)

	var getID, getName string
	get := &cobra.Command{
		Use:     "get INSTANCE_ID [--cluster-id ID | --name NAME]",
		Short:   "Show an instance's clusters, or one (get_cluster)",
		Example: "  metahostctl cluster get demo\n  metahostctl cluster get demo --cluster-id c1 -o json",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			body := map[string]any{"instance_id": args[0], "cloud_unique_id": cuid(args[0])}
			if getID != "" {
				body["cluster_id"] = getID
			}
			if getName != "" {
				body["cluster_name"] = getName
			}
			return e.metaCall(cmd, "get_cluster", nil, body, func(res json.RawMessage) error {
				var all struct {
					Cluster []msCluster `json:"cluster"`
				}
				var cls []msCluster
				if getID == "" && getName == "" {
					if err := decode(res, &all); err != nil {
						return err
					}
					cls = all.Cluster
				} else {
					var one msCluster
					if err := decode(res, &one); err != nil {
						return err
					}
					cls = []msCluster{one}
				}
				w := e.table("CLUSTER ID", "NAME", "TYPE", "STATUS", "NODES")
				for _, c := range cls {
					ns := make([]string, len(c.Nodes))
					for i, n := range c.Nodes {
						port := n.HeartbeatPort
						if port == 0 {
							port = n.EditLogPort
						}
						ns[i] = fmt.Sprintf("%s:%d", n.IP, port)
					}
					row(w, c.ClusterID, c.ClusterName, orDash(c.Type, "-"), orDash(c.Status, "-"), orDash(strings.Join(ns, ","), "-"))
				}
				return w.Flush()
			})
		},
	}
	get.Flags().StringVar(&getID, "cluster-id", "", "only this cluster id")
	get.Flags().StringVar(&getName, "name", "", "only this cluster name")
	c.AddCommand(get)

	c.AddCommand(&cobra.Command{
		Use:     "drop INSTANCE_ID CLUSTER_ID",
		Short:   "Drop a cluster (drop_cluster)",
		Example: "  metahostctl cluster drop demo c1",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			body := map[string]any{"instance_id": args[0], "cluster": map[string]any{"cluster_id": args[1]}}
			return e.metaCall(cmd, "drop_cluster", nil, body, e.say("dropped cluster %s of instance %s", args[1], args[0]))
		},
	})
	c.AddCommand(&cobra.Command{
		Use:     "rename INSTANCE_ID CLUSTER_ID NEW_NAME",
		Short:   "Rename a cluster (rename_cluster)",
		Example: "  metahostctl cluster rename demo c1 analytics",
		Args:    cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			body := map[string]any{"instance_id": args[0], "cluster": map[string]any{"cluster_id": args[1], "cluster_name": args[2]}}
			return e.metaCall(cmd, "rename_cluster", nil, body, e.say("renamed cluster %s of instance %s to %s", args[1], args[0], args[2]))
		},
	})
	c.AddCommand(&cobra.Command{
		Use:   "status INSTANCE_ID [CLUSTER_ID STATUS]",
		Short: "Show compute clusters' status (get_cluster_status), or set one (set_cluster_status)",
		Long: `With only an instance, list its compute clusters and their status. With a cluster id and a
status (NORMAL, SUSPENDED, TO_RESUME, MANUAL_SHUTDOWN) set that cluster's status.`,
		Example: "  metahostctl cluster status demo\n  metahostctl cluster status demo c1 SUSPENDED",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 && len(args) != 3 {
				return fmt.Errorf("accepts 1 or 3 arg(s), received %d", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 3 {
				st := strings.ToUpper(args[2])
				body := map[string]any{"instance_id": args[0], "cluster": map[string]any{"cluster_id": args[1], "cluster_status": st}}
				return e.metaCall(cmd, "set_cluster_status", nil, body, e.say("cluster %s of instance %s is %s", args[1], args[0], st))
			}
			return e.metaCall(cmd, "get_cluster_status", nil, map[string]any{"instance_ids": []string{args[0]}}, func(res json.RawMessage) error {
				var r struct {
					Details []struct {
						InstanceID string      `json:"instance_id"`
						Clusters   []msCluster `json:"clusters"`
					} `json:"details"`
				}
				if err := decode(res, &r); err != nil {
					return err
				}
				w := e.table("INSTANCE", "CLUSTER ID", "NAME", "STATUS")
				for _, d := range r.Details {
					for _, c := range d.Clusters {
						row(w, d.InstanceID, c.ClusterID, c.ClusterName, orDash(c.Status, "-"))
					}
				}
				return w.Flush()
			})
		},
	})
	return c
}

// clusterBody builds the ClusterPB of add_cluster, add_node and drop_node.
func clusterBody(e *env, instance, id, name, typ, data string, nodes []string) (any, error) {
	if data != "" {
		return e.jsonData(data)
	}
	if id == "" {
		return nil, usagef("--cluster-id is required")
	}
	typ = strings.ToUpper(typ)
	if typ != "COMPUTE" && typ != "SQL" {
		return nil, usagef("--type %q: want COMPUTE or SQL", typ)
	}
	cl := map[string]any{"cluster_id": id, "type": typ}
	if name != "" {
		cl["cluster_name"] = name
	}
	ns := []any{}
	for i, s := range nodes {
		n, err := nodeSpec(instance, typ, s, i == 0)
		if err != nil {
			return nil, err
		}
		ns = append(ns, n)
	}
	cl["nodes"] = ns
	return cl, nil
}

func nodeCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:     "node",
		Short:   "Add nodes to and drop nodes from a cluster (add_node, drop_node)",
		Example: "  metahostctl node add demo --cluster-id c1 --name c1 --node 127.0.0.3:9050",
	}
	for _, op := range []string{"add", "drop"} {
		var id, name, typ string
		var nodes []string
		verb := map[string]string{"add": "added", "drop": "dropped"}[op]
		sub := &cobra.Command{
			Use:   op + " INSTANCE_ID --cluster-id ID --name NAME --node [CUID@]HOST:PORT...",
			Short: strings.ToUpper(op[:1]) + op[1:] + " nodes of a cluster (" + op + "_node)",
			Long: `--node is [CLOUD_UNIQUE_ID@]HOST:PORT (heartbeat port of a compute node, edit log port of
an FE); the cloud_unique_id defaults to 1:<instance>:<host>_<port>, as for cluster add.`,
			Example: fmt.Sprintf("  metahostctl node %s demo --cluster-id c1 --name c1 --node 127.0.0.3:9050", op),
			Args:    cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				if len(nodes) == 0 {
					return usagef("at least one --node is required")
				}
				cl, err := clusterBody(e, args[0], id, name, typ, "", nodes)
				if err != nil {
					return err
				}
				return e.metaCall(cmd, op+"_node", nil, map[string]any{"instance_id": args[0], "cluster": cl},
					e.say("%s %d node(s) in cluster %s of instance %s", verb, len(nodes), id, args[0]))
			},
		}
		sub.Flags().StringVar(&id, "cluster-id", "", "cluster id")
		sub.Flags().StringVar(&name, "name", "", "cluster name")
		sub.Flags().StringVar(&typ, "type", "COMPUTE", "COMPUTE or SQL")
		sub.Flags().StringArrayVar(&nodes, "node", nil, "[CLOUD_UNIQUE_ID@]HOST:PORT, repeatable")
		c.AddCommand(sub)
	}
	return c
}

func decodeKeyCmd(e *env) *cobra.Command {
	return keyToolCmd(e, &cobra.Command{
		Use:     "decode-key HEX_KEY",
		Short:   "Explain a Doris-encoded key (decode_key)",
		Example: "  metahostctl decode-key 0110696e7374616e636500011064656d6f0001",
		Args:    cobra.ExactArgs(1),
	}, "decode_key", func(args []string) (url.Values, error) {
		return url.Values{"key": {args[0]}}, nil
	})
}

func encodeKeyCmd(e *env) *cobra.Command {
	return keyToolCmd(e, &cobra.Command{
		Use:   "encode-key KEY_TYPE [PARAM=VALUE]...",
		Short: "Encode a Doris key from its type and parameters (encode_key)",
		Example: "  metahostctl encode-key InstanceKey instance_id=demo\n" +
			"  metahostctl encode-key TxnIndexKey instance_id=demo txn_id=42",
		Args: cobra.MinimumNArgs(1),
	}, "encode_key", func(args []string) (url.Values, error) {
		q := url.Values{"key_type": {args[0]}}
		for _, p := range args[1:] {
			k, v, ok := strings.Cut(p, "=")
			if !ok || k == "" {
				return nil, usagef("parameter %q: want NAME=VALUE", p)
			}
			q.Set(k, v)
		}
		return q, nil
	})
}

// keyToolCmd completes decode-key and encode-key: c calls the text route
// with the query built from its arguments (plus --no-unicode) and prints
// the answer as it is, whatever -o says.
func keyToolCmd(e *env, c *cobra.Command, route string, query func(args []string) (url.Values, error)) *cobra.Command {
	var noUnicode bool
	c.RunE = func(cmd *cobra.Command, args []string) error {
		q, err := query(args)
		if err != nil {
			return err
		}
		if noUnicode {
			q.Set("unicode", "false")
		}
		raw, _, err := e.client().meta(cmd.Context(), route, q, nil)
		if err != nil {
			return err
		}
		e.printRaw(raw)
		return nil
	}
	c.Flags().BoolVar(&noUnicode, "no-unicode", false, "draw the key table in ASCII")
	return c
}
