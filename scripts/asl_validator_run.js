// Run the npm asl-validator's validator() on files and print one JSON result per file.
//   node scripts/asl_validator_run.js NODE_MODULES_DIR FILE...
// Calling validator() directly (rather than its CLI) gives structured errors and avoids the CLI's
// --no-path-check/--no-arn-check flag bug; the options below are its defaults (both checks on).
// YAML is parsed with the yaml package asl-validator itself depends on, as its --yaml-path does.
"use strict";

const fs = require("fs");
const path = require("path");

const [modulesArg, ...files] = process.argv.slice(2);
const modules = path.resolve(modulesArg);
const validator = require(path.join(modules, "asl-validator"));
const YAML = require(path.join(modules, "yaml"));

function parse(file) {
  const text = fs.readFileSync(file, "utf8");
  return /\.ya?ml$/.test(file) ? YAML.parse(text) : JSON.parse(text);
}

function check(file) {
  let definition;
  try {
    definition = parse(file);
  } catch (err) {
    return { file, valid: false, errors: [{ code: "PARSE_ERROR", message: String(err.message) }] };
  }
  try {
    const result = validator(definition, { checkPaths: true, checkArn: true });
    const errors = result.errors.map((e) => ({
      code: e["Error code"] || "SCHEMA_VALIDATION_FAILED",
      message: e.Message || `${e.instancePath} ${e.message}`,
    }));
    return { file, valid: result.isValid, errors };
  } catch (err) {
    // asl-validator throws on some inputs (e.g. States not an object); count that as a rejection.
    return { file, valid: false, errors: [{ code: "EXCEPTION", message: String(err.message) }] };
  }
}

process.stdout.write(JSON.stringify(files.map(check)) + "\n");
