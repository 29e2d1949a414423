import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { AllixiosField, AllixiosOperation } from './contract';
import type { AllixiosRequest } from './transport';

/** The job type the node enqueues when the builder picks "Custom": any type the runtime declares. */
export const CUSTOM_JOB_TYPE = 'custom';

/** Builds an operation's request from the item's parameters: path placeholders, query and JSON body. */
export function buildRequest(
	context: IExecuteFunctions,
	operation: AllixiosOperation,
	itemIndex: number,
): AllixiosRequest {
	const additional = operation.fields.some((field) => !field.topLevel)
		? (context.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject)
		: {};
	let path = operation.path;
	const query: IDataObject = {};
	const body: IDataObject = {};
	for (const field of operation.fields) {
		const raw = field.topLevel
			? context.getNodeParameter(field.parameter, itemIndex)
			: additional[field.parameter];
		if (raw === undefined || raw === null || (raw === '' && field.location !== 'path')) {
			continue;
		}
		const value = toWireValue(context, field, raw, itemIndex);
		if (value === undefined) {
			continue;
		}
		if (field.location === 'path') {
			const segment = String(value);
			if (segment.trim() === '') {
				throw new NodeOperationError(context.getNode(), `"${field.parameter}" must not be empty`, {
					itemIndex,
				});
			}
			path = path.replace(`{${field.key}}`, encodeURIComponent(segment));
		} else if (field.location === 'query') {
			query[field.key] = value as IDataObject[keyof IDataObject];
		} else {
			body[field.key] = value as IDataObject[keyof IDataObject];
		}
	}
	if (operation.nodeFields.includes('type')) {
		body.type = jobType(context, itemIndex);
	}
	const request: AllixiosRequest = { method: operation.method, path };
	if (Object.keys(query).length > 0) {
		request.query = query;
	}
	if (operation.method !== 'GET' && operation.method !== 'DELETE') {
		request.body = body;
	}
	return request;
}

function jobType(context: IExecuteFunctions, itemIndex: number): string {
	const chosen = context.getNodeParameter('jobType', itemIndex) as string;
	const type =
		chosen === CUSTOM_JOB_TYPE
			? (context.getNodeParameter('customJobType', itemIndex) as string).trim()
			: chosen;
	if (type === '') {
		throw new NodeOperationError(context.getNode(), 'Give the job type, e.g. "content.generate"', {
			itemIndex,
		});
	}
	return type;
}

function toWireValue(
	context: IExecuteFunctions,
	field: AllixiosField,
	raw: unknown,
	itemIndex: number,
): unknown {
	switch (field.kind) {
		case 'json':
			return parseJson(context, field, raw, itemIndex);
		case 'number': {
			const number = typeof raw === 'number' ? raw : Number(raw);
			if (Number.isNaN(number)) {
				throw new NodeOperationError(
					context.getNode(),
					`"${field.parameter}" must be a number, not "${String(raw)}"`,
					{ itemIndex },
				);
			}
			return number;
		}
		case 'boolean':
			return typeof raw === 'boolean' ? raw : String(raw).toLowerCase() === 'true';
		case 'stringList': {
			const list = Array.isArray(raw) ? raw : String(raw).split(',');
			const values = list.map((entry) => String(entry).trim()).filter((entry) => entry !== '');
			return values.length > 0 ? values : undefined;
		}
		case 'dateTime': {
			const time = new Date(String(raw));
			if (Number.isNaN(time.getTime())) {
				throw new NodeOperationError(
					context.getNode(),
					`"${field.parameter}" must be a date and time, e.g. 2026-01-31T12:00:00Z, not "${String(raw)}"`,
					{ itemIndex },
				);
			}
			return time.toISOString();
		}
		default:
			return typeof raw === 'string' ? raw : String(raw);
	}
}

function parseJson(
	context: IExecuteFunctions,
	field: AllixiosField,
	raw: unknown,
	itemIndex: number,
): unknown {
	if (typeof raw !== 'string') {
		return raw;
	}
	if (raw.trim() === '') {
		return undefined;
	}
	try {
		return JSON.parse(raw);
	} catch (error) {
		throw new NodeOperationError(
			context.getNode(),
			`"${field.parameter}" is not valid JSON: ${(error as Error).message}`,
			{ itemIndex },
		);
	}
}
