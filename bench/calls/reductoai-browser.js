// Entry of the browser bundle of the official SDK (bench/calls.mjs builds it with esbuild into
// reductoai.js beside the bench pages), since a page cannot import a CommonJS-flavoured npm
// package by name.
export { default as Reducto } from "reductoai";
