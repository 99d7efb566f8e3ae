#!/usr/bin/env node
import { runCli } from "../common.js";
import { main } from "../target-info.js";

void runCli("target-info", main);
