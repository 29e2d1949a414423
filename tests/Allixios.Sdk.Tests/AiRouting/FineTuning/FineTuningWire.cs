namespace Allixios.Sdk.Tests.AiRouting.FineTuning;

/// <summary>Bodies exactly as OpenAI's files and fine-tuning API sends them (from its API reference and real captures).</summary>
internal static class FineTuningWire
{
    public const string FileUploaded = """
        {"object":"file","id":"file-abc123","purpose":"fine-tune","filename":"training.jsonl","bytes":1432,"created_at":1727276400,"expires_at":null,"status":"processed","status_details":null}
        """;

    public const string FileRejected = """
        {"error":{"message":"Invalid file format for Fine-Tuning API. Must be .jsonl","type":"invalid_request_error","param":null,"code":null}}
        """;

    public const string ModelNotAvailable = """
        {"error":{"message":"Model gpt-4o-mini is not available for fine-tuning or does not exist.","type":"invalid_request_error","param":null,"code":"model_not_available"}}
        """;

    public const string JobNotFound = """
        {"error":{"message":"Could not find fine tune: ftjob-nope","type":"invalid_request_error","param":"fine_tune_id","code":"fine_tune_not_found"}}
        """;

    public const string JobValidating = """
        {"object":"fine_tuning.job","id":"ftjob-abc123","model":"gpt-4o-mini-2024-07-18","created_at":1721764800,"finished_at":null,"fine_tuned_model":null,"organization_id":"org-123","result_files":[],"status":"validating_files","validation_file":null,"training_file":"file-abc123","hyperparameters":{"batch_size":"auto","learning_rate_multiplier":"auto","n_epochs":3},"trained_tokens":null,"error":{},"user_provided_suffix":"headlines","seed":42,"estimated_finish":null,"integrations":[],"metadata":{"allixios_tenant":"acme"},"method":{"type":"supervised","supervised":{"hyperparameters":{"batch_size":"auto","learning_rate_multiplier":"auto","n_epochs":3}}}}
        """;

    public const string JobRunning = """
        {"object":"fine_tuning.job","id":"ftjob-abc123","model":"gpt-4o-mini-2024-07-18","created_at":1721764800,"finished_at":null,"fine_tuned_model":null,"organization_id":"org-123","result_files":[],"status":"running","validation_file":null,"training_file":"file-abc123","hyperparameters":{"batch_size":1,"learning_rate_multiplier":1.8,"n_epochs":3},"trained_tokens":null,"error":{},"user_provided_suffix":"headlines","seed":42,"estimated_finish":1721768400,"integrations":[],"metadata":{"allixios_tenant":"acme"},"method":{"type":"supervised","supervised":{"hyperparameters":{"batch_size":1,"learning_rate_multiplier":1.8,"n_epochs":3}}}}
        """;

    public const string JobSucceeded = """
        {"object":"fine_tuning.job","id":"ftjob-abc123","model":"gpt-4o-mini-2024-07-18","created_at":1721764800,"finished_at":1721767800,"fine_tuned_model":"ft:gpt-4o-mini-2024-07-18:org-123:headlines:AbC123xY","organization_id":"org-123","result_files":["file-result1"],"status":"succeeded","validation_file":null,"training_file":"file-abc123","hyperparameters":{"batch_size":1,"learning_rate_multiplier":1.8,"n_epochs":3},"trained_tokens":5768,"error":{},"user_provided_suffix":"headlines","seed":42,"estimated_finish":null,"integrations":[],"metadata":{"allixios_tenant":"acme"},"method":{"type":"supervised","supervised":{"hyperparameters":{"batch_size":1,"learning_rate_multiplier":1.8,"n_epochs":3}}}}
        """;

    public const string JobFailed = """
        {"object":"fine_tuning.job","id":"ftjob-abc123","model":"gpt-4o-mini-2024-07-18","created_at":1721764800,"finished_at":1721765100,"fine_tuned_model":null,"organization_id":"org-123","result_files":[],"status":"failed","validation_file":null,"training_file":"file-abc123","hyperparameters":{"batch_size":"auto","learning_rate_multiplier":"auto","n_epochs":3},"trained_tokens":null,"error":{"code":"invalid_training_file","message":"The job failed due to an invalid training file. Invalid file format. Example 3, message 2: Unrecognized role 'bot'.","param":"training_file"},"user_provided_suffix":"headlines","seed":42,"estimated_finish":null,"integrations":[],"metadata":{"allixios_tenant":"acme"},"method":{"type":"supervised"}}
        """;

    public const string JobCancelled = """
        {"object":"fine_tuning.job","id":"ftjob-abc123","model":"gpt-4o-mini-2024-07-18","created_at":1721764800,"finished_at":null,"fine_tuned_model":null,"organization_id":"org-123","result_files":[],"status":"cancelled","validation_file":null,"training_file":"file-abc123","hyperparameters":{"batch_size":"auto","learning_rate_multiplier":"auto","n_epochs":3},"trained_tokens":null,"error":{},"user_provided_suffix":"headlines","seed":42,"estimated_finish":null,"integrations":[],"metadata":{"allixios_tenant":"acme"},"method":{"type":"supervised"}}
        """;

    public const string JobOfAnotherTenant = """
        {"object":"fine_tuning.job","id":"ftjob-other","model":"gpt-4o-mini-2024-07-18","created_at":1721760000,"finished_at":null,"fine_tuned_model":null,"organization_id":"org-123","result_files":[],"status":"queued","validation_file":null,"training_file":"file-def456","hyperparameters":{"n_epochs":"auto"},"trained_tokens":null,"error":{},"user_provided_suffix":null,"seed":7,"estimated_finish":null,"integrations":[],"metadata":{"allixios_tenant":"globex"}}
        """;

    public const string Events = """
        {"object":"list","data":[{"object":"fine_tuning.job.event","id":"ftevent-2","created_at":1721767800,"level":"info","message":"The job has successfully completed","data":{},"type":"message"},{"object":"fine_tuning.job.event","id":"ftevent-1","created_at":1721764900,"level":"info","message":"Step 1/90: training loss=2.34","data":{"step":1,"train_loss":2.34,"total_steps":90},"type":"metrics"}],"has_more":false}
        """;

    /// <summary>Ten valid examples in OpenAI's chat format.</summary>
    public static readonly string TrainingData = string.Join("\n", Enumerable.Range(1, 10).Select(i =>
        $$$"""{"messages":[{"role":"system","content":"You write headlines."},{"role":"user","content":"Article {{{i}}} about wings"},{"role":"assistant","content":"Headline {{{i}}}","weight":1}]}""")) + "\n";
}
