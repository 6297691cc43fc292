package main

import (
	"fmt"
	"strconv"
	"strings"

	"google.golang.org/protobuf/types/known/structpb"
)

// options are the `runtime.options` of Pulumi.yaml / PulumiPolicy.yaml / PulumiPlugin.yaml.
type options struct {
	typescript     bool     // run .ts through ts-node (default true, as in the official host)
	tsconfig       string   // alternative tsconfig path, relative to the program directory
	nodeargs       []string // extra arguments for the node executable itself
	transpileOnly  *bool    // shipgate extension: skip ts-node type checking; nil = leave it to env/tsconfig
	packagemanager string   // used by InstallDependencies; "" or "auto" means npm
}

func parseOptions(s *structpb.Struct) (options, error) {
	o := options{typescript: true}
	for k, v := range s.AsMap() {
		var err error
		switch k {
		case "typescript":
			err = asBool(k, v, func(b bool) { o.typescript = b })
		case "transpileOnly", "transpileonly":
			err = asBool(k, v, func(b bool) { o.transpileOnly = &b })
		case "tsconfig":
			err = asString(k, v, func(s string) { o.tsconfig = s })
		case "packagemanager":
			err = asString(k, v, func(s string) { o.packagemanager = s })
		case "nodeargs":
			var raw string
			if err = asString(k, v, func(s string) { raw = s }); err == nil {
				o.nodeargs, err = splitArgs(raw)
			}
		}
		if err != nil {
			return o, err
		}
	}
	return o, nil
}

// env returns the variables through which @pulumi/pulumi's harnesses read these options.
func (o options) env() []string {
	var env []string
	if o.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if o.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+o.tsconfig)
	}
	if o.transpileOnly != nil {
		env = append(env, "PULUMI_NODEJS_TRANSPILE_ONLY="+strconv.FormatBool(*o.transpileOnly))
	}
	return env
}

func asBool(k string, v any, set func(bool)) error {
	switch b := v.(type) {
	case bool:
		set(b)
	case string: // YAML authors sometimes quote booleans
		p, err := strconv.ParseBool(b)
		if err != nil {
			return fmt.Errorf("runtime option %q must be a boolean, got %q", k, b)
		}
		set(p)
	default:
		return fmt.Errorf("runtime option %q must be a boolean", k)
	}
	return nil
}

func asString(k string, v any, set func(string)) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("runtime option %q must be a string", k)
	}
	set(s)
	return nil
}

// splitArgs splits a nodeargs string shell-style: whitespace separates, single/double quotes group.
func splitArgs(s string) ([]string, error) {
	var args []string
	var cur strings.Builder
	var quote rune
	inArg := false
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inArg = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if inArg {
				args, inArg = append(args, cur.String()), false
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
			inArg = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("runtime option \"nodeargs\" has an unterminated quote: %s", s)
	}
	if inArg {
		args = append(args, cur.String())
	}
	return args, nil
}
