// The site's JavaScript, checked by `make lint` and `make test`: ESLint's recommended rules, with
// the globals of where each file runs.
import js from "@eslint/js";
import globals from "globals";

export default [
  js.configs.recommended,
  {
    files: ["builder/browser/static/widgets.js", "builder/browser/static/python.js"],
    languageOptions: { sourceType: "module", globals: globals.browser },
  },
  {
    files: ["builder/browser/static/worker.js"],
    languageOptions: { sourceType: "module", globals: globals.worker },
  },
  {
    files: ["builder/browser/static/sw.js"],
    languageOptions: { sourceType: "script", globals: globals.serviceworker },
  },
  {
    files: ["builder/build/bytecode.mjs"],
    languageOptions: { sourceType: "module", globals: globals.node },
  },
  {
    files: ["tests/benchmarks/probes.js"],
    languageOptions: { sourceType: "script", globals: globals.browser },
  },
];
