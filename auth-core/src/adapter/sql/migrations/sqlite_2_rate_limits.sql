-- Fixed-window counters (the email provider's link limit), one row per key.
-- window_start is INTEGER milliseconds since the Unix epoch.

CREATE TABLE authjs_rate_limits (
  bucket TEXT NOT NULL PRIMARY KEY,
  window_start INTEGER NOT NULL,
  hits INTEGER NOT NULL
);
