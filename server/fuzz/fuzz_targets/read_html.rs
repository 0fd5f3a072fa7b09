//! The html reader on arbitrary bytes: it may refuse them, but must never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let _ = reducto_local::engine::read(bytes, Some("html"), &Default::default(), &mut |_, _| Ok(()));
});
