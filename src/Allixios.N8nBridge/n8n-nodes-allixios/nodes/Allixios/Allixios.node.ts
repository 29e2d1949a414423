import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { fieldProperties, operationProperties, operations, resourceProperty } from './generated/operations';
import { buildRequest, CUSTOM_JOB_TYPE } from './request';
import { allixiosRequest, nodeError } from './transport';
import { waitForJob } from './waitForJob';

const enqueue = { show: { resource: ['job'], operation: ['enqueue'] } };
const waiting = { show: { resource: ['job'], operation: ['waitForCompletion'] } };
const enqueueAndWait = {
	show: { resource: ['job'], operation: ['enqueue'], waitForCompletion: [true] },
};

// Parameters the node adds to the generated ones: the job type picker (before the job's fields)...
const jobTypeProperties: INodeProperties[] = [
	{
		displayName: 'Job Type',
		name: 'jobType',
		type: 'options',
		options: [
			{
				name: 'Content: Generate',
				value: 'content.generate',
				description: 'Generate an article from a brief (content.generate)',
			},
			{
				name: 'Custom',
				value: CUSTOM_JOB_TYPE,
				description: 'Any other job type the runtime declares',
			},
		],
		default: 'content.generate',
		displayOptions: enqueue,
	},
	{
		displayName: 'Custom Job Type',
		name: 'customJobType',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. content.translate',
		description: 'A job type declared in the runtime (Allixios:Orchestration:JobTypes)',
		displayOptions: { show: { resource: ['job'], operation: ['enqueue'], jobType: [CUSTOM_JOB_TYPE] } },
	},
];

// ...and the wait for a job to finish (after them).
const waitProperties: INodeProperties[] = [
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: false,
		description:
			'Whether to poll the job until it succeeds, is dead-lettered or is cancelled, and output it then',
		displayOptions: enqueue,
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'waitTimeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 300,
		description: 'How long to wait for the job to finish before failing',
		displayOptions: enqueueAndWait,
	},
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollInterval',
		type: 'number',
		typeOptions: { minValue: 0.1 },
		default: 2,
		description: 'How long to wait between two reads of the job',
		displayOptions: enqueueAndWait,
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'waitTimeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 300,
		description: 'How long to wait for the job to finish before failing',
		displayOptions: waiting,
	},
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollInterval',
		type: 'number',
		typeOptions: { minValue: 0.1 },
		default: 2,
		description: 'How long to wait between two reads of the job',
		displayOptions: waiting,
	},
];

export class Allixios implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Allixios',
		name: 'allixios',
		icon: { light: 'file:../../icons/allixios.svg', dark: 'file:../../icons/allixios.dark.svg' },
		group: ['transform'],
		version: [1],
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Drive the Allixios content engine: jobs, AI completions and embeddings, search, cache, usage and budgets',
		defaults: {
			name: 'Allixios',
		},
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [
			{
				name: 'allixiosApi',
				required: true,
			},
		],
		properties: [
			resourceProperty,
			...operationProperties,
			...jobTypeProperties,
			...fieldProperties,
			...waitProperties,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const returnData: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				const resource = this.getNodeParameter('resource', itemIndex) as string;
				const operationName = this.getNodeParameter('operation', itemIndex) as string;
				const operation = operations.find(
					(candidate) => candidate.resource === resource && candidate.operation === operationName,
				);
				if (operation === undefined) {
					throw new NodeOperationError(
						this.getNode(),
						`The operation "${operationName}" of "${resource}" is not known to this node version`,
						{ itemIndex },
					);
				}
				let response = await allixiosRequest.call(
					this,
					buildRequest(this, operation, itemIndex),
					itemIndex,
				);
				if (resource === 'job' && operationName === 'waitForCompletion') {
					response = await waitForJob.call(this, response, itemIndex);
				} else if (
					resource === 'job' &&
					operationName === 'enqueue' &&
					(this.getNodeParameter('waitForCompletion', itemIndex, false) as boolean)
				) {
					response = {
						...response,
						job: await waitForJob.call(this, response.job as IDataObject, itemIndex),
					};
				}
				returnData.push({ json: response, pairedItem: { item: itemIndex } });
			} catch (error) {
				if (this.continueOnFail()) {
					returnData.push({
						json: { error: (error as Error).message },
						pairedItem: { item: itemIndex },
					});
					continue;
				}
				throw nodeError(this, error, itemIndex);
			}
		}
		return [returnData];
	}
}
