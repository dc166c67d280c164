package keys

import (
	"errors"
	"math"
	"strings"
)

// ErrKeyTypeNotSupported is matched by the *ToolError returned for an
// unknown or empty key_type.
var ErrKeyTypeNotSupported = errors.New("keys: key_type not supported")

// ErrParamNotGiven is matched by the *ToolError returned when a parameter of
// the key type is absent or empty.
var ErrParamNotGiven = errors.New("keys: parameter not given or empty")

// ToolError is an INVALID_ARGUMENT (HTTP 400) error of the encode_key /
// get_value tools. Its Error text is exactly the Doris message, e.g.
// "key_type not supported: (empty)" or "instance_id is not given or empty".
// Unwrap yields ErrKeyTypeNotSupported, ErrParamNotGiven or ErrMalformedKey.
type ToolError struct {
	// Msg is the Doris message.
	Msg string
	// Kind is the sentinel the error matches.
	Kind error
}

// Error returns Msg.
func (e *ToolError) Error() string { return e.Msg }

// Unwrap returns Kind.
func (e *ToolError) Unwrap() error { return e.Kind }

// keyType is one entry of Doris param_set (http_encode_key.cpp): the query
// parameter names in order and the key builder. Parameters the Doris
// KeyInfo declares as int64 are passed through ParseInt64Strtoll.
type keyType struct {
	name   string
	params []string
	build  func(p []string) []byte
}

// intParam returns the i-th parameter parsed like strtoll.
func intParam(p []string, i int) int64 { return ParseInt64Strtoll(p[i]) }

// keyTypes is the immutable param_set table, in the order Doris lists it.
var keyTypes = [...]keyType{
	{"InstanceKey", []string{"instance_id"}, func(p []string) []byte { return InstanceKey(p[0]) }},
	{"TxnLabelKey", []string{"instance_id", "db_id", "label"}, func(p []string) []byte { return TxnLabelKey(p[0], intParam(p, 1), p[2]) }},
	{"TxnInfoKey", []string{"instance_id", "db_id", "txn_id"}, func(p []string) []byte { return TxnInfoKey(p[0], intParam(p, 1), intParam(p, 2)) }},
	{"TxnIndexKey", []string{"instance_id", "txn_id"}, func(p []string) []byte { return TxnIndexKey(p[0], intParam(p, 1)) }},
	{"TxnRunningKey", []string{"instance_id", "db_id", "txn_id"}, func(p []string) []byte { return TxnRunningKey(p[0], intParam(p, 1), intParam(p, 2)) }},
	{"PartitionVersionKey", []string{"instance_id", "db_id", "tbl_id", "partition_id"}, func(p []string) []byte {
		return PartitionVersionKey(p[0], intParam(p, 1), intParam(p, 2), intParam(p, 3))
	}},
	{"TableVersionKey", []string{"instance_id", "db_id", "tbl_id"}, func(p []string) []byte { return TableVersionKey(p[0], intParam(p, 1), intParam(p, 2)) }},
	{"MetaRowsetKey", []string{"instance_id", "tablet_id", "version"}, func(p []string) []byte { return MetaRowsetKey(p[0], intParam(p, 1), intParam(p, 2)) }},
	{"MetaRowsetTmpKey", []string{"instance_id", "txn_id", "tablet_id"}, func(p []string) []byte { return MetaRowsetTmpKey(p[0], intParam(p, 1), intParam(p, 2)) }},
	{"MetaTabletKey", []string{"instance_id", "table_id", "index_id", "part_id", "tablet_id"}, func(p []string) []byte {
		return MetaTabletKey(p[0], intParam(p, 1), intParam(p, 2), intParam(p, 3), intParam(p, 4))
	}},
	{"MetaTabletIdxKey", []string{"instance_id", "tablet_id"}, func(p []string) []byte { return MetaTabletIdxKey(p[0], intParam(p, 1)) }},
	{"RecycleIndexKey", []string{"instance_id", "index_id"}, func(p []string) []byte { return RecycleIndexKey(p[0], intParam(p, 1)) }},
	{"RecyclePartKey", []string{"instance_id", "part_id"}, func(p []string) []byte { return RecyclePartitionKey(p[0], intParam(p, 1)) }},
	{"RecycleRowsetKey", []string{"instance_id", "tablet_id", "rowset_id"}, func(p []string) []byte { return RecycleRowsetKey(p[0], intParam(p, 1), p[2]) }},
	{"RecycleTxnKey", []string{"instance_id", "db_id", "txn_id"}, func(p []string) []byte { return RecycleTxnKey(p[0], intParam(p, 1), intParam(p, 2)) }},
	{"StatsTabletKey", []string{"instance_id", "table_id", "index_id", "part_id", "tablet_id"}, func(p []string) []byte {
		return StatsTabletKey(p[0], intParam(p, 1), intParam(p, 2), intParam(p, 3), intParam(p, 4))
	}},
	{"JobTabletKey", []string{"instance_id", "table_id", "index_id", "part_id", "tablet_id"}, func(p []string) []byte {
		return JobTabletKey(p[0], intParam(p, 1), intParam(p, 2), intParam(p, 3), intParam(p, 4))
	}},
	{"CopyJobKey", []string{"instance_id", "stage_id", "table_id", "copy_id", "group_id"}, func(p []string) []byte {
		return CopyJobKey(p[0], p[1], intParam(p, 2), p[3], intParam(p, 4))
	}},
	{"CopyFileKey", []string{"instance_id", "stage_id", "table_id", "obj_key", "obj_etag"}, func(p []string) []byte {
		return CopyFileKey(p[0], p[1], intParam(p, 2), p[3], p[4])
	}},
	{"RecycleStageKey", []string{"instance_id", "stage_id"}, func(p []string) []byte { return RecycleStageKey(p[0], p[1]) }},
	// Doris maps "JobRecycleKey" to job_check_key (the "check" key).
	{"JobRecycleKey", []string{"instance_id"}, func(p []string) []byte { return JobCheckKey(p[0]) }},
	{"MetaSchemaKey", []string{"instance_id", "index_id", "schema_version"}, func(p []string) []byte { return MetaSchemaKey(p[0], intParam(p, 1), intParam(p, 2)) }},
	// "rowest_id" (sic) is the Doris parameter name.
	{"MetaDeleteBitmap", []string{"instance_id", "tablet_id", "rowest_id", "version", "seg_id"}, func(p []string) []byte {
		return MetaDeleteBitmapKey(p[0], intParam(p, 1), p[2], intParam(p, 3), intParam(p, 4))
	}},
	{"MetaDeleteBitmapUpdateLock", []string{"instance_id", "table_id", "partition_id"}, func(p []string) []byte {
		return MetaDeleteBitmapUpdateLockKey(p[0], intParam(p, 1), intParam(p, 2))
	}},
	{"MetaPendingDeleteBitmap", []string{"instance_id", "tablet_id"}, func(p []string) []byte { return MetaPendingDeleteBitmapKey(p[0], intParam(p, 1)) }},
	{"RLJobProgressKey", []string{"instance_id", "db_id", "job_id"}, func(p []string) []byte { return RLJobProgressKey(p[0], intParam(p, 1), intParam(p, 2)) }},
	{"MetaServiceRegistryKey", nil, func([]string) []byte { return MetaServiceRegistryKey() }},
	{"MetaServiceArnInfoKey", nil, func([]string) []byte { return MetaServiceArnInfoKey() }},
	{"MetaServiceEncryptionKey", nil, func([]string) []byte { return MetaServiceEncryptionKeyInfoKey() }},
	{"StorageVaultKey", []string{"instance_id", "vault_id"}, func(p []string) []byte { return StorageVaultKey(p[0], p[1]) }},
}

// KeyTypes returns the key_type names the encode_key / get_value tools
// accept, in Doris param_set order.
func KeyTypes() []string {
	out := make([]string, len(keyTypes))
	for i := range keyTypes {
		out[i] = keyTypes[i].name
	}
	return out
}

// KeyTypeParams returns the query parameter names of keyType in order, and
// whether keyType is supported.
func KeyTypeParams(keyType string) ([]string, bool) {
	kt, ok := lookupKeyType(keyType)
	if !ok {
		return nil, false
	}
	return append([]string(nil), kt.params...), true
}

func lookupKeyType(name string) (*keyType, bool) {
	for i := range keyTypes {
		if keyTypes[i].name == name {
			return &keyTypes[i], true
		}
	}
	return nil, false
}

// BuildKey builds the raw key described by params["key_type"] and that key
// type's parameters (Doris encode_key in http_encode_key.cpp). Errors are
// *ToolError with the Doris messages "key_type not supported: <type or
// (empty)>" and "<param> is not given or empty" (the first missing
// parameter in Doris order). Int parameters are parsed with
// ParseInt64Strtoll.
func BuildKey(params map[string]string) ([]byte, error) {
	name := params["key_type"]
	kt, ok := lookupKeyType(name)
	if !ok {
		shown := name
		if shown == "" {
			shown = "(empty)"
		}
		return nil, &ToolError{Msg: "key_type not supported: " + shown, Kind: ErrKeyTypeNotSupported}
	}
	vals := make([]string, len(kt.params))
	for i, p := range kt.params {
		v := params[p]
		if v == "" {
			return nil, &ToolError{Msg: p + " is not given or empty", Kind: ErrParamNotGiven}
		}
		vals[i] = v
	}
	return kt.build(vals), nil
}

// EncodeKeyTool implements the encode_key endpoint body: it builds the key
// (BuildKey), renders Prettify(hex(key), unicode) with unicode false only
// when params["unicode"] == "false", and appends the FoundationDB-style
// escaped form ("\x01\x10...") and "\n". The HTTP framework's final "\n" is
// not included. Errors are *ToolError (HTTP 400 INVALID_ARGUMENT).
func EncodeKeyTool(params map[string]string) (string, error) {
	key, err := BuildKey(params)
	if err != nil {
		return "", err
	}
	unicode := params["unicode"] != "false"
	hexKey := Hex(key)
	body, err := Prettify(hexKey, unicode)
	if err != nil {
		// Unreachable for keys built by this package; mirrors Doris.
		return "", &ToolError{Msg: "failed to decode encoded key, key=" + hexKey, Kind: ErrMalformedKey}
	}
	var b strings.Builder
	b.Grow(len(body) + 2*len(hexKey) + 1)
	b.WriteString(body)
	b.WriteString(FormatFDBKey(hexKey))
	b.WriteByte('\n')
	return b.String(), nil
}

// FormatFDBKey prefixes every pair of characters of hexKey with `\x`
// (format_fdb_key in http_encode_key.cpp), e.g. "0110" -> `\x01\x10`.
func FormatFDBKey(hexKey string) string {
	var b strings.Builder
	b.Grow(len(hexKey) * 2)
	for i := 0; i < len(hexKey); i++ {
		if i%2 == 0 {
			b.WriteString(`\x`)
		}
		b.WriteByte(hexKey[i])
	}
	return b.String()
}

// ParseInt64Strtoll parses s like C strtoll(s, nullptr, 10): leading
// whitespace (space, \t, \n, \v, \f, \r) is skipped, one optional '+' or '-'
// is accepted, then the longest run of decimal digits is converted; anything
// after it is ignored. No digits yields 0; out-of-range values saturate to
// math.MaxInt64 / math.MinInt64.
func ParseInt64Strtoll(s string) int64 {
	i := 0
	for i < len(s) && (s[i] == ' ' || ('\t' <= s[i] && s[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	// Accumulate the magnitude as uint64, saturating at the limit.
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	var u uint64
	over := false
	for ; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
		if over {
			continue
		}
		d := uint64(s[i] - '0')
		if u > (limit-d)/10 {
			over = true
			u = limit
			continue
		}
		u = u*10 + d
	}
	if neg {
		return int64(-u) // -limit wraps to MinInt64 exactly
	}
	return int64(u)
}
