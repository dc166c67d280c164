// Command allocating is a validator built with sdk/guest that allocates
// 64 KiB and a small map on every call, for the test that an allocating
// guest's memory stays bounded (the SDK's exports yield to the Go
// scheduler so that the guest's garbage collector runs).
package main

import (
	"strconv"

	"github.com/metahost/metahost/sdk/guest"
	"github.com/metahost/metahost/sdk/validator"
)

func init() {
	var keep []byte
	guest.RegisterValidator(guest.Info{Name: "allocating", Version: "1.0.0"}, validator.Func(func(req *validator.Request) (validator.Response, error) {
		b := make([]byte, 64<<10)
		b[len(b)-1] = byte(len(req.InstanceID))
		keep = b // escapes: a heap allocation every call
		m := make(map[string]int)
		for i := range 100 {
			m[strconv.Itoa(i)+req.InstanceID] = i
		}
		if len(m) != 100 || keep[len(keep)-1] != byte(len(req.InstanceID)) {
			return validator.Denied("INTERNAL_ERROR", "lost an allocation"), nil
		}
		return validator.Allowed(), nil
	}))
}

func main() {}
