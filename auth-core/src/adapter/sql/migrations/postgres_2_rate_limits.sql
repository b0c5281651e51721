-- Fixed-window counters (the email provider's link limit), one row per key.
-- window_start is BIGINT milliseconds since the Unix epoch.

CREATE TABLE authjs_rate_limits (
  bucket TEXT NOT NULL PRIMARY KEY,
  window_start BIGINT NOT NULL,
  hits BIGINT NOT NULL
);
