// Package dorispb holds Go types for the protobuf messages of the Doris cloud
// meta-service (apache/doris gensrc/proto/cloud.proto and olap_file.proto)
// that metahost's HTTP API and its tablet, txn and job methods use, together
// with a hand-written codec that reproduces the bytes the C++ meta-service
// (protobuf 21.11, rapidjson) produces and accepts.
//
// Types follow the proto2 model: every scalar is an Opt[T] with presence,
// nested messages are pointers (nil = not set), repeated fields are slices and
// map fields are Go maps. Enums are int32 types with the real enumerator
// names and numbers. Field numbers are the real ones, so output order
// matches C++.
//
// Codecs:
//   - Unmarshal: JSON request bodies, like JsonStringToMessage (strict,
//     then lenient with unknown fields ignored), with protobuf's error texts;
//   - MarshalJSON: compact JSON like proto_to_json (MessageToJsonString with
//     preserve_proto_field_names);
//   - DebugString / ShortDebugString: protobuf text format;
//   - ByteSize: binary wire size (ByteSizeLong);
//   - Envelope / PrettyJSON: the rapidjson PrettyWriter JSON envelope of the
//     HTTP replies;
//   - HTTPStatus: MetaServiceCode to HTTP status and category.
package dorispb
