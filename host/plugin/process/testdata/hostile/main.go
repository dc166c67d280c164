// Command hostile is a process plugin that misbehaves on request, for the
// host's tests: each method is one kind of trouble.
package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"

	"github.com/metahost/metahost/sdk/process"
)

type hostile struct{ name string }

func (h hostile) Describe(context.Context) process.Description {
	return process.Description{Name: h.name, Kind: "validator", Version: "1.0.0", Capabilities: []string{"echo"}}
}

func (h hostile) Call(ctx context.Context, method string, payload []byte) ([]byte, error) {
	switch method {
	case "echo":
		return payload, nil
	case "fail":
		return nil, &process.Error{Code: "INVALID_ARGUMENT", Message: "refused: " + string(payload)}
	case "crash":
		os.Exit(3)
	case "hang":
		select {} // ignores its context, as a stuck plugin would
	case "stdout":
		fmt.Println("noise on stdout after the handshake")
		return payload, nil
	case "gomaxprocs":
		return []byte(strconv.Itoa(runtime.GOMAXPROCS(0))), nil
	case "spawn":
		cmd := exec.Command("/bin/sleep", "300")
		if err := cmd.Start(); err != nil {
			return nil, err
		}
		return []byte(strconv.Itoa(cmd.Process.Pid)), nil
	}
	return nil, fmt.Errorf("unknown method %q", method)
}

func main() {
	if os.Getenv("HOSTILE_NOISY_START") != "" {
		fmt.Println("hello from a plugin that prints before its handshake")
	}
	name := os.Getenv("HOSTILE_NAME")
	if name == "" {
		name = "hostile"
	}
	process.Serve(hostile{name: name})
}
