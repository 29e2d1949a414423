namespace Allixios.Orchestration;

// One job in the table: the job as enqueued (its fixed fields) and, beside it, the fields that change as it moves, updated
// in place. A Job record is made from the two only when one is asked for (a lease, a read, an observer), and kept until
// the next change, so a state change copies no record and records its event as a struct: a job worked through to success
// leaves no new object behind for the collector to promote, where it left a copy of the record per change and an event
// object per change before. All of it is used under the gate.
public sealed partial class InMemoryJobQueue
{
    private sealed class Entry(Job job, long sequence)
    {
        // What a change records in the job's history; made into JobEvent records when the history is read.
        private Event[] _history = new Event[3];
        private int _events;
        private Job? _view = job;

        // The job as enqueued: the fields that never change are read from it.
        public Job Enqueued { get; } = job;

        public Guid Id => Enqueued.Id;

        public string TenantId => Enqueued.TenantId;

        public string Type => Enqueued.Type;

        public long Sequence { get; } = sequence;

        public JobState State { get; set; } = job.State;

        public int Attempt { get; set; } = job.Attempt;

        public DateTimeOffset RunAt { get; set; } = job.RunAt;

        public DateTimeOffset UpdatedAt { get; set; } = job.UpdatedAt;

        public DateTimeOffset? FinishedAt { get; set; } = job.FinishedAt;

        public string? LastError { get; set; } = job.LastError;

        public JobProgress? Progress { get; set; } = job.Progress;

        public string? LeaseOwner { get; set; } = job.LeaseOwner;

        public DateTimeOffset? LeaseExpiresAt { get; set; } = job.LeaseExpiresAt;

        public Guid? LeaseToken { get; set; }

        // Counts the times the job became available, so its stale queue items are told from its live one.
        public long AvailableGeneration { get; set; }

        // The queue it is available in; none when it is not available.
        public TypeQueue? AvailableIn { get; set; }

        /// <summary>The job as it stands, made on first read after a change.</summary>
        public Job Job => _view ??= Enqueued with
        {
            State = State,
            Attempt = Attempt,
            RunAt = RunAt,
            UpdatedAt = UpdatedAt,
            FinishedAt = FinishedAt,
            LastError = LastError,
            Progress = Progress,
            LeaseOwner = LeaseOwner,
            LeaseExpiresAt = LeaseExpiresAt,
        };

        /// <summary>Called after the changing fields were set: the next read makes the record anew.</summary>
        public void Changed() => _view = null;

        public void AddEvent(DateTimeOffset at, JobState? from, JobState to, string? worker, string? error, JobProgress? progress)
        {
            if (_events == _history.Length)
            {
                Array.Resize(ref _history, _history.Length * 2);
            }

            _history[_events++] = new Event(at, from, to, worker, Attempt, error, progress);
        }

        public List<JobEvent> History()
        {
            var history = new List<JobEvent>(_events);
            for (var i = 0; i < _events; i++)
            {
                var e = _history[i];
                history.Add(new JobEvent(Id, e.At, e.From, e.To, e.Worker, e.Attempt, e.Error, e.Progress));
            }

            return history;
        }

        private readonly record struct Event(DateTimeOffset At, JobState? From, JobState To, string? Worker, int Attempt, string? Error, JobProgress? Progress);
    }
}
