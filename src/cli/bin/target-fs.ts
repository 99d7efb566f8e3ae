#!/usr/bin/env node
import { runCli } from "../common.js";
import { main } from "../target-fs.js";

void runCli("target-fs", main);
