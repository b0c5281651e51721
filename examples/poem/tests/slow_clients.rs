//! A slow client against the real `example-poem` binary (issue 12, finding 6): half a request
//! line, then nothing, is cut off within the header read timeout (10 s) by the demo's TCP front
//! (`example_demo::front`): poem's own idle timeout did not cut it.

use std::time::Duration;

use example_demo::{limits, slow_client::Example};

#[test]
fn half_a_request_line_is_cut_off_within_the_header_read_timeout() {
    let example = Example::start(env!("CARGO_BIN_EXE_example-poem"));
    let bound = limits::HEADER_READ_TIMEOUT + Duration::from_secs(5);
    let took = example
        .time_to_cut_half_a_request_line(bound * 2)
        .unwrap_or_else(|| panic!("the connection stayed open past {:?}", bound * 2));
    assert!(took <= bound, "cut after {took:?}, more than {bound:?}");
}
