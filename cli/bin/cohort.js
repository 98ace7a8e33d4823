#!/usr/bin/env node
// @ts-check
import { main } from "../src/main.js";

process.exitCode = await main(process.argv);
