// Command metahostctl is the operator CLI for metahost: cluster status and
// membership, snapshots, Doris instances, vaults, clusters and nodes,
// plugins, OpenTSDB points, compaction and key tools, all over the
// server's HTTP surfaces. See docs/cli.md.
//
// Exit codes: 0 ok, 1 the server answered an error, 2 usage error (bad
// flags or arguments, unreadable input file), 3 server unreachable.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
)

var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	root := newRoot(&env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv})
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "Error:", err)
		if exitCode(err) == exitUsage {
			fmt.Fprintln(stderr, "Run 'metahostctl --help' for usage.")
		}
	}
	return exitCode(err)
}
