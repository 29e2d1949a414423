-- The W3C trace context (traceparent) of the span that enqueued a job, so that the span of its run can link to it:
-- a trace from enqueue to completion across processes. NULL when nothing was tracing at enqueue.
ALTER TABLE jobs ADD COLUMN trace_parent text CHECK (trace_parent IS NULL OR length(trace_parent) <= 256);
