import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

export type AllixiosContext = IExecuteFunctions | IHookFunctions | ILoadOptionsFunctions;

/** One call to the Allixios runtime: a method, a path under the base URL, a query and a JSON body. */
export interface AllixiosRequest {
	method: IHttpRequestMethods;
	path: string;
	query?: IDataObject;
	body?: IDataObject;
}

interface FullResponse {
	statusCode: number;
	body: unknown;
}

/**
 * Sends a request with the "Allixios API" credentials and returns the parsed JSON answer. Non-2xx answers are read
 * here (not by n8n's generic handling) so that the runtime's problem+json detail, which says what to fix, becomes the
 * error message the workflow builder sees.
 */
export async function allixiosRequest(
	this: AllixiosContext,
	request: AllixiosRequest,
	itemIndex?: number,
): Promise<IDataObject> {
	const credentials = await this.getCredentials('allixiosApi');
	const baseUrl = String(credentials.baseUrl ?? '').replace(/\/+$/, '');
	const options: IHttpRequestOptions = {
		method: request.method,
		baseURL: baseUrl,
		url: request.path,
		json: true,
		ignoreHttpStatusErrors: true,
		returnFullResponse: true,
		headers: { accept: 'application/json, application/problem+json' },
	};
	if (request.query && Object.keys(request.query).length > 0) {
		options.qs = request.query;
		// The runtime's transcoding reads repeated query parameters as name=a&name=b.
		options.arrayFormat = 'repeat';
	}
	if (request.body !== undefined && request.method !== 'GET' && request.method !== 'DELETE') {
		options.body = request.body;
	}
	const response = (await this.helpers.httpRequestWithAuthentication.call(
		this,
		'allixiosApi',
		options,
	)) as FullResponse;
	const body = parseBody(response.body);
	if (response.statusCode < 200 || response.statusCode >= 300) {
		throw problemError(this, response.statusCode, body, itemIndex);
	}
	return (body ?? {}) as IDataObject;
}

function parseBody(body: unknown): unknown {
	if (typeof body !== 'string') {
		return body;
	}
	if (body.trim() === '') {
		return undefined;
	}
	try {
		return JSON.parse(body);
	} catch {
		return { detail: body };
	}
}

/** Turns a runtime error answer (problem+json: type, title, status, detail) into the error n8n shows. */
export function problemError(
	context: AllixiosContext,
	statusCode: number,
	body: unknown,
	itemIndex?: number,
): NodeApiError {
	const problem = (body && typeof body === 'object' ? body : {}) as IDataObject;
	const detail = typeof problem.detail === 'string' && problem.detail !== '' ? problem.detail : undefined;
	const title = typeof problem.title === 'string' && problem.title !== '' ? problem.title : undefined;
	const message = detail ?? title ?? `The Allixios runtime answered HTTP ${statusCode}`;
	return new NodeApiError(context.getNode(), problem as JsonObject, {
		message,
		description: title !== undefined && detail !== undefined ? title : undefined,
		httpCode: String(statusCode),
		itemIndex,
	});
}

/** The error as n8n shows it: runtime and node errors as they are, anything else wrapped with the item's index. */
export function nodeError(
	context: AllixiosContext,
	error: unknown,
	itemIndex?: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		return error;
	}
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}
