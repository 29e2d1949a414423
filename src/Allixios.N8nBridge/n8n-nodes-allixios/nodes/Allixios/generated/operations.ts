// Skeleton: to be replaced by the output of src/Allixios.N8nBridge.ContractGenerator.
import type { INodeProperties } from 'n8n-workflow';

import type { AllixiosOperation } from '../contract';

export const resourceProperty: INodeProperties = {
	displayName: 'Resource',
	name: 'resource',
	type: 'options',
	noDataExpression: true,
	options: [{ name: 'Job', value: 'job' }],
	default: 'job',
};

export const operationProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['job'] } },
		options: [
			{ name: 'Enqueue', value: 'enqueue', action: 'Enqueue a job', description: 'Enqueue a job' },
			{ name: 'Get', value: 'get', action: 'Get a job', description: 'Read a job' },
		],
		default: 'enqueue',
	},
];

export const fieldProperties: INodeProperties[] = [
	{
		displayName: 'Payload',
		name: 'payload',
		type: 'json',
		default: '{}',
		description: "The input: any JSON value; must satisfy the type's schema",
		displayOptions: { show: { resource: ['job'], operation: ['enqueue'] } },
	},
	{
		displayName: 'Job ID',
		name: 'jobId',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { resource: ['job'], operation: ['get'] } },
	},
];

export const operations: AllixiosOperation[] = [
	{
		resource: 'job',
		operation: 'enqueue',
		method: 'POST',
		path: '/v1/jobs',
		fields: [{ parameter: 'payload', key: 'payload', location: 'body', kind: 'json', required: true }],
		nodeFields: ['type'],
	},
	{
		resource: 'job',
		operation: 'get',
		method: 'GET',
		path: '/v1/jobs/{jobId}',
		fields: [{ parameter: 'jobId', key: 'jobId', location: 'path', kind: 'string', required: true }],
		nodeFields: [],
	},
];
