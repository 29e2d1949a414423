using Allixios.Orchestration;
using Xunit;

namespace Allixios.Sdk.Tests.Orchestration;

public sealed class JobStateMachineTests
{
    public static TheoryData<JobState, JobState> Legal => new()
    {
        { JobState.Scheduled, JobState.Available },
        { JobState.Scheduled, JobState.Cancelled },
        { JobState.Available, JobState.Running },
        { JobState.Available, JobState.Cancelled },
        { JobState.Running, JobState.Succeeded },
        { JobState.Running, JobState.Retrying },
        { JobState.Running, JobState.DeadLettered },
        { JobState.Running, JobState.Cancelled },
        { JobState.Retrying, JobState.Available },
        { JobState.Retrying, JobState.Cancelled },
        { JobState.DeadLettered, JobState.Available },
        { JobState.Waiting, JobState.Scheduled },
        { JobState.Waiting, JobState.Available },
        { JobState.Waiting, JobState.Cancelled },
    };

    [Fact]
    public void Exactly_the_documented_transitions_are_legal()
    {
        var legal = Legal.Select(row => ((JobState)row[0], (JobState)row[1])).ToHashSet();
        foreach (var from in Enum.GetValues<JobState>())
        {
            foreach (var to in Enum.GetValues<JobState>())
            {
                Assert.Equal(legal.Contains((from, to)), JobStateMachine.IsAllowed(from, to));
            }
        }
    }

    [Theory]
    [InlineData(JobState.Succeeded, JobState.Cancelled, "it is final")]
    [InlineData(JobState.Cancelled, JobState.Available, "it is final")]
    [InlineData(JobState.Scheduled, JobState.Running, "available or cancelled")]
    [InlineData(JobState.DeadLettered, JobState.Cancelled, "available")]
    public void An_illegal_transition_is_a_failed_precondition_that_names_both_states_and_the_way_out(JobState from, JobState to, string hint)
    {
        var id = Guid.NewGuid();

        var error = Assert.Throws<AllixiosException>(() => JobStateMachine.EnsureAllowed(id, from, to));

        Assert.Equal(AllixiosErrorKind.FailedPrecondition, error.Kind);
        Assert.Equal("illegal_job_transition", error.Reason);
        Assert.Contains(id.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains(JobStates.ToName(from), error.Message, StringComparison.Ordinal);
        Assert.Contains(JobStates.ToName(to), error.Message, StringComparison.Ordinal);
        Assert.Contains(hint, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Finished_states_are_succeeded_cancelled_and_dead_lettered()
    {
        Assert.Equal(
            [JobState.Succeeded, JobState.DeadLettered, JobState.Cancelled],
            Enum.GetValues<JobState>().Where(JobStateMachine.IsFinished));
    }

    [Fact]
    public void Sources_of_a_state_are_the_states_that_may_move_to_it()
    {
        Assert.Equal([JobState.Available], JobStateMachine.SourcesOf(JobState.Running));
        Assert.Equal([JobState.Scheduled, JobState.Retrying, JobState.DeadLettered, JobState.Waiting], JobStateMachine.SourcesOf(JobState.Available));
        // Only a workflow step whose dependencies succeeded becomes scheduled; a new job starts so.
        Assert.Equal([JobState.Waiting], JobStateMachine.SourcesOf(JobState.Scheduled));
    }

    [Fact]
    public void Every_state_name_round_trips()
    {
        foreach (var state in Enum.GetValues<JobState>())
        {
            Assert.Equal(state, JobStates.Parse(JobStates.ToName(state)));
        }

        Assert.Equal("dead_lettered", JobStates.ToName(JobState.DeadLettered));
    }
}
