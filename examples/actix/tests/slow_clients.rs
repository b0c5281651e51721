//! A slow client against the real `example-actix` binary (issue 12, finding 6): half a request
//! line, then nothing, is cut off by actix-web's `client_request_timeout` (10 s).

use std::time::Duration;

use example_demo::{limits, slow_client::Example};

#[test]
fn half_a_request_line_is_cut_off_within_the_header_read_timeout() {
    let example = Example::start(env!("CARGO_BIN_EXE_example-actix"));
    let bound = limits::HEADER_READ_TIMEOUT + Duration::from_secs(5);
    let took = example
        .time_to_cut_half_a_request_line(bound * 2)
        .unwrap_or_else(|| panic!("the connection stayed open past {:?}", bound * 2));
    assert!(took <= bound, "cut after {took:?}, more than {bound:?}");
}
