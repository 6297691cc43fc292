package main

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestParseOptions(t *testing.T) {
	o, err := parseOptions(nil)
	if err != nil || !o.typescript || o.transpileOnly != nil || len(o.env()) != 1 {
		t.Fatalf("defaults: %+v %v", o, err)
	}
	s, _ := structpb.NewStruct(map[string]any{
		"typescript": false, "tsconfig": "tsconfig.pulumi.json", "transpileOnly": true,
		"nodeargs": `--max-old-space-size=256 --title="a b"`,
	})
	o, err = parseOptions(s)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"PULUMI_NODEJS_TSCONFIG_PATH=tsconfig.pulumi.json", "PULUMI_NODEJS_TRANSPILE_ONLY=true"}
	if !reflect.DeepEqual(o.env(), want) {
		t.Errorf("env = %v, want %v", o.env(), want)
	}
	if !reflect.DeepEqual(o.nodeargs, []string{"--max-old-space-size=256", "--title=a b"}) {
		t.Errorf("nodeargs = %q", o.nodeargs)
	}
	bad, _ := structpb.NewStruct(map[string]any{"typescript": 3.0})
	if _, err := parseOptions(bad); err == nil {
		t.Error("expected an error for a non-boolean typescript option")
	}
	if _, err := splitArgs(`--a "unterminated`); err == nil {
		t.Error("expected an error for an unterminated quote")
	}
}

func TestScanPulumiPackages(t *testing.T) {
	root := t.TempDir()
	// Hoisted to an ancestor, as npm workspaces do; name derived from the @pulumi scope.
	writeFile(t, filepath.Join(root, "node_modules/@pulumi/kubernetes/package.json"),
		`{"name":"@pulumi/kubernetes","version":"4.34.2","pulumi":{"resource":true}}`)
	// The SDK itself is not a plugin.
	writeFile(t, filepath.Join(root, "node_modules/@pulumi/pulumi/package.json"),
		`{"name":"@pulumi/pulumi","version":"3.259.0","pulumi":{"resource":true}}`)
	app := filepath.Join(root, "app")
	writeFile(t, filepath.Join(app, "node_modules/@acme/cloud/package.json"),
		`{"name":"@acme/cloud","version":"1.0.0","pulumi":{"resource":true,"name":"acme","version":"2.0.0","server":"https://x.invalid"}}`)
	// Third-party package without pulumi.name: ignored.
	writeFile(t, filepath.Join(app, "node_modules/other/package.json"),
		`{"name":"other","version":"1.0.0","pulumi":{"resource":true}}`)
	// A nested policy pack's dependencies are not the program's.
	writeFile(t, filepath.Join(app, "policy/PulumiPolicy.yaml"), "runtime: nodejs\n")
	writeFile(t, filepath.Join(app, "policy/node_modules/@pulumi/aws/package.json"),
		`{"name":"@pulumi/aws","version":"7.0.0","pulumi":{"resource":true}}`)

	var got []string
	for _, p := range scanPulumiPackages(app) {
		got = append(got, p.Name+"@"+p.Version+" "+p.Server)
	}
	want := []string{"acme@v2.0.0 https://x.invalid", "kubernetes@v4.34.2 "}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestResolveModuleWalksUp(t *testing.T) {
	root := t.TempDir()
	run := filepath.Join(root, "node_modules/@pulumi/pulumi/cmd/run/index.js")
	writeFile(t, run, "")
	sub := filepath.Join(root, "stacks/prod")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := resolveModule("node-not-needed", sub, defaultRunModule, "npm install")
	if err != nil || got != run {
		t.Fatalf("got %q, %v; want %q", got, err, run)
	}
}

// TestServeOverGRPC drives the host through a real gRPC server and client, as the engine does.
func TestServeOverGRPC(t *testing.T) {
	cancel := make(chan bool)
	defer close(cancel)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, newHost("", ""))
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := grpc.NewClient("127.0.0.1:"+strconv.Itoa(handle.Port), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client := pulumirpc.NewLanguageRuntimeClient(conn)
	ctx := context.Background()

	info, err := client.GetPluginInfo(ctx, &emptypb.Empty{})
	if err != nil || info.Version != "v3.259.0" {
		t.Fatalf("GetPluginInfo = %v, %v", info, err)
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "node_modules/@pulumi/random/package.json"),
		`{"name":"@pulumi/random","version":"4.18.0","pulumi":{"resource":true}}`)
	resp, err := client.GetRequiredPackages(ctx, &pulumirpc.GetRequiredPackagesRequest{
		Info: &pulumirpc.ProgramInfo{RootDirectory: dir, ProgramDirectory: dir, EntryPoint: "."},
	})
	if err != nil || len(resp.Packages) != 1 || resp.Packages[0].Name != "random" || resp.Packages[0].Version != "v4.18.0" {
		t.Fatalf("GetRequiredPackages = %v, %v", resp, err)
	}
}
