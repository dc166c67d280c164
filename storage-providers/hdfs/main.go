// Command hdfs is metahost's storage-vault provider for HDFS vaults, a
// go-plugin process. An hdfs:// fs_name is served with the native Go HDFS
// client (colinmarc/hdfs/v2, Kerberos through gokrb5); a file:// fs_name is
// served from the local filesystem, which is the embedded default vault: a
// single node runs with no cloud account and no namenode.
package main

import "github.com/metahost/metahost/sdk/provider"

func main() { provider.Serve(newStore()) }
