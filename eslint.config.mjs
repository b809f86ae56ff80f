// The site's JavaScript, checked by `make lint` and `make test`: ESLint's recommended rules, with
// the globals of where each file runs.
import js from "@eslint/js";
import globals from "globals";

export default [
  js.configs.recommended,
  {
    files: ["builder/static/page.js", "builder/static/python.js"],
    languageOptions: { sourceType: "module", globals: globals.browser },
  },
  {
    files: ["builder/static/worker.js"],
    languageOptions: { sourceType: "module", globals: globals.worker },
  },
  {
    files: ["builder/static/sw.js"],
    languageOptions: { sourceType: "script", globals: globals.serviceworker },
  },
  {
    files: ["builder/bytecode.mjs"],
    languageOptions: { sourceType: "module", globals: globals.node },
  },
  {
    files: ["tests/benchmarks/probes.js"],
    languageOptions: { sourceType: "script", globals: globals.browser },
  },
];
