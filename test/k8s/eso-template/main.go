// Renders External Secrets Operator `engineVersion: v2` templates the way the operator does, for the tests.
//
// ESO (runtime/template/v2) parses each `spec.target.template.data` value with Go's text/template:
// tpl.New(key).Option("missingkey=error").Funcs(funcs).Parse(value), where funcs are its own PEM/PKCS#12/JWK/YAML
// helpers plus sprig v3's TxtFuncMap without env, expandenv and getHostByName; it executes the template with `.`
// bound to a map[string]string of the ExternalSecret's `spec.data` values (secretKey -> value).
//
// This program does the same with Debian's sprig v3 (GOPATH mode, no module download). It leaves out ESO's own
// helpers, so a template that uses one fails here: the library must only use Go's builtins and sprig.
//
// Input (stdin): {"templates": {"KEY": "template", ...}, "data": {"secretKey": "value", ...}}
// Output (stdout): {"KEY": "rendered", ...}; on a parse or execution error, the error on stderr and exit 1.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"text/template"

	"github.com/Masterminds/sprig"
)

type input struct {
	Templates map[string]string `json:"templates"`
	Data      map[string]string `json:"data"`
}

func funcs() template.FuncMap {
	f := sprig.TxtFuncMap()
	// As ESO does: no access to the operator's environment or to DNS from a template.
	delete(f, "env")
	delete(f, "expandenv")
	delete(f, "getHostByName")
	return f
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fmt.Fprintf(os.Stderr, "bad input: %v\n", err)
		os.Exit(2)
	}
	if in.Data == nil {
		in.Data = map[string]string{}
	}
	out := make(map[string]string, len(in.Templates))
	for key, text := range in.Templates {
		t, err := template.New(key).Option("missingkey=error").Funcs(funcs()).Parse(text)
		if err != nil {
			fmt.Fprintf(os.Stderr, "unable to parse template at key %s: %v\n", key, err)
			os.Exit(1)
		}
		var buf bytes.Buffer
		if err := t.Execute(&buf, in.Data); err != nil {
			fmt.Fprintf(os.Stderr, "unable to execute template at key %s: %v\n", key, err)
			os.Exit(1)
		}
		out[key] = buf.String()
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintf(os.Stderr, "cannot write output: %v\n", err)
		os.Exit(2)
	}
}
