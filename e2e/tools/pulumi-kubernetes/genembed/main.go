// genembed writes the two files pulumi-resource-kubernetes embeds but its module zip lacks
// (upstream makes them with `go generate`, cmd/pulumi-resource-kubernetes/generate.go):
//
//	genembed VERSION SRC_DIR OUT_DIR
//
// reads SRC_DIR/schema.json and SRC_DIR/terraform-mapping.json (as the module ships them),
// and writes OUT_DIR/schema-embed.json (the schema with "version" set to VERSION, compacted,
// as upstream's generate.go does) and OUT_DIR/terraform-mapping-embed.json (compacted).
package main

import (
	"encoding/json"
	"log"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

func main() {
	if len(os.Args) != 4 {
		log.Fatal("usage: genembed VERSION SRC_DIR OUT_DIR")
	}
	version, src, out := os.Args[1], os.Args[2], os.Args[3]

	raw, err := os.ReadFile(filepath.Join(src, "schema.json"))
	if err != nil {
		log.Fatal(err)
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		log.Fatalf("cannot deserialize schema: %v", err)
	}
	spec.Version = version
	b, err := json.Marshal(spec)
	if err != nil {
		log.Fatalf("cannot reserialize schema: %v", err)
	}
	if err := os.WriteFile(filepath.Join(out, "schema-embed.json"), b, 0o644); err != nil {
		log.Fatal(err)
	}

	raw, err = os.ReadFile(filepath.Join(src, "terraform-mapping.json"))
	if err != nil {
		log.Fatal(err)
	}
	var mapping any
	if err := json.Unmarshal(raw, &mapping); err != nil {
		log.Fatalf("cannot deserialize terraform mapping: %v", err)
	}
	if b, err = json.Marshal(mapping); err != nil {
		log.Fatalf("cannot reserialize terraform mapping: %v", err)
	}
	if err := os.WriteFile(filepath.Join(out, "terraform-mapping-embed.json"), b, 0o644); err != nil {
		log.Fatal(err)
	}
}
