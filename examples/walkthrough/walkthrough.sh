#!/usr/bin/env bash
# The metahost walkthrough: everything a new user does on day one, against a
# running server (`make run` in another terminal). It needs bash, curl, go,
# sha256sum (or shasum) and the repository it lives in; no jq.
#
#   examples/walkthrough/walkthrough.sh
#   METAHOST_ADDR=127.0.0.1:5010 METAHOST_TOKEN=s3cret examples/walkthrough/walkthrough.sh
#
# Every step checks the HTTP status and the answer; the first unexpected one
# stops the script with the request, the status and the body.
set -euo pipefail

ADDR="${METAHOST_ADDR:-127.0.0.1:5000}"
TOKEN="${METAHOST_TOKEN:-greedisgood9999}"
GO="${GO:-go}"
BASE="http://${ADDR#http://}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/metahost-walkthrough.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# RUN makes the ids of this run unique, so the script can run again against
# the same server. Tablet and table ids are derived from it.
RUN="${RUN:-$(date +%s)}"
INSTANCE="analytics-w${RUN}"
CUID="1:${INSTANCE}:be1"
TABLE=$((RUN * 10))
TABLET=$((RUN * 100 + 1))
VAULT="$WORK/vault"

step() { printf '\n== %s\n' "$*"; }
die() {
	printf 'walkthrough FAILED: %s\n' "$*" >&2
	exit 1
}

# call METHOD PATH BODY: sends the request; sets STATUS and BODY.
call() {
	local method=$1 path=$2 data=${3-} out
	out="$WORK/body"
	local ctype='application/json'
	case "$data" in @*) ctype='application/octet-stream' ;; esac # @file: upload the file
	if [ -n "$data" ]; then
		STATUS=$(curl -sS -o "$out" -w '%{http_code}' -X "$method" -H "Content-Type: $ctype" \
			-H "Authorization: Bearer $TOKEN" --data-binary "$data" "$BASE$path") || die "$method $path: curl failed (is the server at $BASE running?)"
	else
		STATUS=$(curl -sS -o "$out" -w '%{http_code}' -X "$method" \
			-H "Authorization: Bearer $TOKEN" "$BASE$path") || die "$method $path: curl failed (is the server at $BASE running?)"
	fi
	BODY=$(cat "$out")
	LAST="$method ${path//token=$TOKEN/token=***}"
}

# expect STATUS SUBSTRING...: the last answer had this status and contains
# every substring.
expect() {
	local want=$1
	shift
	[ "$STATUS" = "$want" ] || die "$LAST: HTTP $STATUS, want $want; body: $BODY"
	local s
	for s in "$@"; do
		case "$BODY" in
		*"$s"*) ;;
		*) die "$LAST: answer lacks '$s'; body: $BODY" ;;
		esac
	done
	printf '%s -> %s\n' "$LAST" "$STATUS"
}

# field NAME: the first string or number value of "NAME" in BODY.
field() {
	printf '%s' "$BODY" | tr -d '\n' | sed -n "s/.*\"$1\" *: *\"\{0,1\}\([^\",}]*\).*/\1/p" | head -n1
}

# show: prints the last answer, indented (QUIET=1 skips it).
show() {
	[ -n "${QUIET:-}" ] || printf '%s\n' "$BODY" | sed 's/^/    /'
}

ms() { call POST "/MetaService/http/$1?token=$TOKEN" "$2"; }
brpc() { call POST "/MetaService/$1?token=$TOKEN" "$2"; }

sha256() {
	if command -v sha256sum >/dev/null; then sha256sum "$1" | cut -c1-64; else shasum -a 256 "$1" | cut -c1-64; fi
}

step "1. the server is up and has a leader ($BASE)"
deadline=$((SECONDS + 30))
while :; do
	call GET /v1/cluster/status
	case "$BODY" in *'"leader":{'*) break ;; esac
	[ $SECONDS -lt $deadline ] || die "no leader after 30s: $BODY"
	sleep 0.2
done
expect 200 '"voters":['
call GET /v1/health
expect 200 '{"status":"pass"}'

step "2. an instance whose storage vault is a local directory (HDFS vault, fs_name file://)"
mkdir -p "$VAULT"
ms create_instance '{"instance_id":"'"$INSTANCE"'","user_id":"walkthrough","name":"walkthrough",
  "vault":{"hdfs_info":{"build_conf":{"fs_name":"file://'"$VAULT"'"},"prefix":"'"$INSTANCE"'"}}}'
expect 200 '"code": "OK"'
call GET "/MetaService/http/get_instance?token=$TOKEN&instance_id=$INSTANCE"
expect 200 '"code": "OK"' '"instance_id": "'"$INSTANCE"'"' '"status": "NORMAL"' '"built_in_storage_vault"'
ms create_instance '{"instance_id":"'"$INSTANCE"'","user_id":"walkthrough","name":"again"}'
expect 409 '"code": "ALREADY_EXISTED"'

step "3. a compute cluster with one node, a second node, an SQL cluster"
ms add_cluster '{"instance_id":"'"$INSTANCE"'","cluster":{"cluster_name":"compute1","cluster_id":"compute1","type":"COMPUTE",
  "nodes":[{"cloud_unique_id":"'"$CUID"'","ip":"127.0.0.1","heartbeat_port":9050}]}}'
expect 200 '"code": "OK"'
ms add_node '{"instance_id":"'"$INSTANCE"'","cluster":{"cluster_name":"compute1","cluster_id":"compute1","type":"COMPUTE",
  "nodes":[{"cloud_unique_id":"1:'"$INSTANCE"':be2","ip":"127.0.0.2","heartbeat_port":9050}]}}'
expect 200 '"code": "OK"'
ms add_cluster '{"instance_id":"'"$INSTANCE"'","cluster":{"cluster_name":"RESERVED_CLUSTER_NAME_FOR_SQL_SERVER","cluster_id":"sql1","type":"SQL",
  "nodes":[{"cloud_unique_id":"1:'"$INSTANCE"':fe1","ip":"127.0.0.3","edit_log_port":9010,"node_type":"FE_MASTER"}]}}'
expect 200 '"code": "OK"'
ms get_cluster '{"instance_id":"'"$INSTANCE"'","cloud_unique_id":"'"$CUID"'","cluster_id":"compute1"}'
expect 200 '"code": "OK"' '"cluster_name": "compute1"' '"ip": "127.0.0.1"' '"ip": "127.0.0.2"'
ms get_cluster '{"instance_id":"'"$INSTANCE"'","cloud_unique_id":"'"$CUID"'","cluster_id":"nope"}'
expect 404 '"code": "NOT_FOUND"' 'fail to get cluster'
show

step "4. OpenTSDB: push metrics, read the last points"
now=$(date +%s)
call POST /api/put '[{"metric":"walkthrough.load","timestamp":'"$((now - 60))"',"value":1.5,"tags":{"run":"'"$RUN"'","host":"web01"}},
  {"metric":"walkthrough.load","timestamp":'"$now"',"value":2.25,"tags":{"run":"'"$RUN"'","host":"web01"}},
  {"metric":"walkthrough.load","timestamp":'"$now"',"value":7,"tags":{"run":"'"$RUN"'","host":"web02"}}]'
expect 204
call GET "/api/query/last?timeseries=walkthrough.load%7Brun=$RUN,host=web01%7D&resolve=true"
expect 200 '"metric":"walkthrough.load"' '"value":"2.25"' '"host":"web01"'
show
call GET "/api/query/last?timeseries=walkthrough.load%7Brun=$RUN%7D"
expect 200 '"value":"2.25"' '"value":"7"' '"tsuid":"'
call GET "/api/query/last?timeseries=walkthrough.load%7Bhost=web02,run=$RUN%7D&back_scan=24"
expect 200 '"value":"7"'
call POST /api/put '[{"metric":"walkthrough.load","timestamp":'"$now"',"value":"x","tags":{"host":"web01"}}]'
expect 400 '"error":'

step "5. build, register and bind the example compaction policy (examples/policy-custom) to the table"
# Bound before the table has tablets: the scheduler uses it from their first round.
(cd "$REPO" && GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0 "$GO" build -buildmode=c-shared -o "$WORK/count_capped.wasm" ./examples/policy-custom)
sum=$(sha256 "$WORK/count_capped.wasm")
call PUT "/v1/plugins/count_capped?kind=policy&version=0.1.0&sha256=$sum" "@$WORK/count_capped.wasm"
expect 200 '"name":"count_capped"' '"kind":"policy"' '"active":"0.1.0"' "\"sha256\":\"$sum\""
call POST /v1/plugins/count_capped/bind '{"table_id":'"$TABLE"'}'
expect 200 '"table_id":'"$TABLE" '"policy":"count_capped"'
show

step "6. load data: tablets, then begin_txn, prepare_rowset, commit_rowset, commit_txn per load"
brpc create_tablets '{"cloud_unique_id":"'"$CUID"'","db_id":1,"tablet_metas":[{"table_id":'"$TABLE"',"index_id":3,"partition_id":4,
  "tablet_id":'"$TABLET"',"schema_hash":123,"rs_metas":[{"rowset_id":0,"rowset_id_v2":"init'"$TABLET"'","start_version":0,"end_version":1,
  "num_segments":0,"num_rows":0,"total_disk_size":0,"segments_overlap_pb":"NONOVERLAPPING","creation_time":1}]}]}'
expect 200 '"code":"OK"'
for n in 1 2 3 4 5; do
	brpc begin_txn '{"cloud_unique_id":"'"$CUID"'","txn_info":{"db_id":1,"table_ids":['"$TABLE"'],"label":"load_'"$RUN"'_'"$n"'","timeout_ms":60000}}'
	expect 200 '"code":"OK"' '"txn_id":'
	txn=$(field txn_id)
	[ -n "$txn" ] || die "begin_txn: no txn_id in $BODY"
	rowset='{"cloud_unique_id":"'"$CUID"'","temporary":true,"rowset_meta":{"rowset_id":0,"rowset_id_v2":"rs_'"$RUN"'_'"$n"'",
	  "tablet_id":'"$TABLET"',"txn_id":'"$txn"',"num_rows":100,"total_disk_size":1000,"data_disk_size":1000,"index_disk_size":0,
	  "num_segments":1,"segments_overlap_pb":"NONOVERLAPPING"}}'
	brpc prepare_rowset "$rowset"
	expect 200 '"code":"OK"'
	brpc commit_rowset "$rowset"
	expect 200 '"code":"OK"'
	brpc commit_txn '{"cloud_unique_id":"'"$CUID"'","txn_id":'"$txn"'}'
	expect 200 '"code":"OK"' '"status":"TXN_STATUS_VISIBLE"' "\"versions\":[\"$((n + 1))\"]"
done
brpc get_tablet_stats '{"cloud_unique_id":"'"$CUID"'","tablet_idx":[{"tablet_id":'"$TABLET"'}]}'
expect 200 '"code":"OK"' '"num_rows":"500"' '"num_rowsets":"6"'
show
brpc commit_txn '{"cloud_unique_id":"'"$CUID"'","txn_id":424242424242}'
expect 200 '"code":"TXN_ID_NOT_FOUND"'

step "7. compaction: the scheduler or a manual run merges the five loads into [2-6]"
# The leader's scheduler runs a round every second, so it may compact the
# tablet before the manual run below; then the run answers E-2000 (nothing to
# pick), or E-216 while the scheduler's job is running. Either way the tablet
# ends with one [2-6] rowset. Five loads, because five is the minimum score
# (cumulative_compaction_min_deltas): no compaction can start before the
# last load is visible, so the result is the same whoever runs it.
call POST "/api/compaction/run?tablet_id=$TABLET&compact_type=cumulative"
case "$BODY" in
*'"status": "Success"'* | *'"status": "E-2000"'* | *'"status": "E-216"'*) expect 200 '"msg": ' ;;
*) die "$LAST: unexpected answer: $BODY" ;;
esac
deadline=$((SECONDS + 60))
while :; do
	call GET "/api/compaction/show?tablet_id=$TABLET"
	case "$BODY" in *'"cumulative policy type": "count_capped"'*'"[2-6] '*) break ;; esac
	[ $SECONDS -lt $deadline ] || die "no [2-6] rowset compacted by count_capped after 60s: $BODY"
	sleep 0.2
done
expect 200 '"[0-1] 0 DATA NONOVERLAPPING' '"[2-6] 5 DATA NONOVERLAPPING' "\"[6-6] 1 DATA NONOVERLAPPING rs_${RUN}_5" '"path list": "0 -> [2-2] -> [3-3]'
show
call GET "/api/compaction/run_status?tablet_id=$TABLET"
expect 200 '"status" : "Success"'
call POST "/api/compaction/run?tablet_id=999999999999&compact_type=full"
expect 200 '"status": "NOT_FOUND"'

step "8. build, register and bind the example validator (examples/validator-instance-naming)"
(cd "$REPO" && GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0 "$GO" build -buildmode=c-shared -o "$WORK/naming.wasm" ./examples/validator-instance-naming)
sum=$(sha256 "$WORK/naming.wasm")
call PUT "/v1/plugins/instance-naming?kind=validator&version=1.0.0&config=analytics,payments&sha256=$sum" "@$WORK/naming.wasm"
expect 200 '"name":"instance-naming"' '"kind":"validator"'
call POST /v1/plugins/instance-naming/bind '{"operation":"create_instance","on_error":"fail_closed"}'
expect 200 '"operation":"create_instance"'
ms create_instance '{"instance_id":"rogue'"$RUN"'","user_id":"walkthrough","name":"rogue",
  "vault":{"hdfs_info":{"build_conf":{"fs_name":"file://'"$VAULT"'"},"prefix":"rogue"}}}'
expect 400 '"code": "INVALID_ARGUMENT"' 'must start with a team prefix'
show
# Nothing was written: Doris answers an unknown instance with 500 INTERNAL_ERROR.
call GET "/MetaService/http/get_instance?token=$TOKEN&instance_id=rogue$RUN"
expect 500 '"code": "INTERNAL_ERROR"' 'err=KeyNotFound'
ms create_instance '{"instance_id":"payments-w'"$RUN"'","user_id":"walkthrough","name":"payments",
  "vault":{"hdfs_info":{"build_conf":{"fs_name":"file://'"$VAULT"'"},"prefix":"payments/w'"$RUN"'"}}}'
expect 200 '"code": "OK"'
call GET /v1/plugins
expect 200 '"name":"count_capped"' '"name":"instance-naming"' '"validator_bindings":['

step "9. the token is checked"
STATUS=$(curl -sS -o "$WORK/body" -w '%{http_code}' "$BASE/MetaService/http/get_instance?token=wrong&instance_id=$INSTANCE")
BODY=$(cat "$WORK/body")
LAST="GET /MetaService/http/get_instance?token=wrong"
expect 403 'incorrect token, token=wrong'
STATUS=$(curl -sS -o "$WORK/body" -w '%{http_code}' -H 'Authorization: Bearer wrong' "$BASE/v1/plugins")
BODY=$(cat "$WORK/body")
LAST="GET /v1/plugins (bad token)"
expect 401 '"code":"UNAUTHORIZED"'

printf '\nwalkthrough OK: instance %s, tablet %s (table %s)\n' "$INSTANCE" "$TABLET" "$TABLE"
