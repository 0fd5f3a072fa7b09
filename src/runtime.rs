//! What a `no_std` wasm module brings itself: an allocator and a panic handler. Compiled only
//! into the shipped client (`--no-default-features`); with `std` (the tests) Rust's own are used.
//!
//! Talc replaces std's dlmalloc: this client makes few, small allocations, and talc serves them
//! in a fraction of dlmalloc's code. The panic handler traps without formatting a message:
//! a panic here is a bug, it surfaces in JS as `RuntimeError: unreachable`, and the formatting
//! machinery would cost every download more than the message would help.

#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
