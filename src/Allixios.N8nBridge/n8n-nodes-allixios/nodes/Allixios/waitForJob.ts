import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { allixiosRequest } from './transport';

/** The states a job does not leave: polling stops at them. */
export const FINAL_JOB_STATES = ['succeeded', 'dead_lettered', 'cancelled'];

/**
 * Polls GET /v1/jobs/{jobId} until the job is in a final state, and returns it then. Fails when it is still running
 * after the item's "waitTimeout" seconds; a dead-lettered or cancelled job is returned, not thrown, so the workflow can
 * branch on its state and last error.
 */
export async function waitForJob(
	this: IExecuteFunctions,
	job: IDataObject | undefined,
	itemIndex: number,
): Promise<IDataObject> {
	const jobId = typeof job?.jobId === 'string' ? job.jobId : '';
	if (jobId === '') {
		throw new NodeOperationError(this.getNode(), 'The runtime answered without a job id to wait for', {
			itemIndex,
		});
	}
	const timeoutSeconds = this.getNodeParameter('waitTimeout', itemIndex, 300) as number;
	const pollSeconds = this.getNodeParameter('pollInterval', itemIndex, 2) as number;
	const deadline = Date.now() + timeoutSeconds * 1000;
	let current: IDataObject = job as IDataObject;
	while (!FINAL_JOB_STATES.includes(String(current.state))) {
		if (Date.now() >= deadline) {
			throw new NodeOperationError(
				this.getNode(),
				`Job ${jobId} is still ${String(current.state)} after ${timeoutSeconds} s`,
				{ itemIndex, description: 'Raise "Timeout (Seconds)", or check that a worker runs this job type' },
			);
		}
		await sleep(Math.max(0, Math.min(pollSeconds * 1000, deadline - Date.now())));
		current = await allixiosRequest.call(
			this,
			{ method: 'GET', path: `/v1/jobs/${encodeURIComponent(jobId)}` },
			itemIndex,
		);
	}
	return current;
}
