namespace Allixios.Search.Analytics;

/// <summary>Whether an experiment assigns searchers to its arms.</summary>
public enum ExperimentStatus
{
    /// <summary>Queries that name it run with the searcher's arm.</summary>
    Running = 0,

    /// <summary>Queries that name it are refused; its results stay readable.</summary>
    Stopped = 1,
}
