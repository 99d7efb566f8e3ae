#!/usr/bin/env node
import { runCli } from "../common.js";
import { main } from "../rdump.js";

void runCli("rdump", main);
