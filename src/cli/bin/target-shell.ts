#!/usr/bin/env node
import { runCli } from "../common.js";
import { main } from "../target-shell.js";

void runCli("target-shell", main);
