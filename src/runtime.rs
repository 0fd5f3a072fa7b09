//! What a `no_std` wasm module brings itself: an allocator and a panic handler.
//!
//! lol_alloc's free-list allocator replaces std's dlmalloc: this client makes a few dozen small
//! allocations per request, which a free list serves well in a tenth of dlmalloc's code. It is
//! used in every wasm build, so the browser tests exercise the allocator that ships.
//!
//! The panic handler exists only in the shipped `no_std` build (`--no-default-features`; the
//! tests use std's). It traps without formatting a message: a panic here is a bug, it surfaces
//! in JS as `RuntimeError: unreachable`, and the formatting machinery would cost every download
//! more than the message would help.

// SAFETY: the module is single-threaded wasm (built without the `atomics` feature), so no two
// threads ever allocate at once.
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

#[cfg(not(feature = "std"))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
