#!/usr/bin/env node
import { runCli } from "../common.js";
import { main } from "../target-query.js";

void runCli("target-query", main);
