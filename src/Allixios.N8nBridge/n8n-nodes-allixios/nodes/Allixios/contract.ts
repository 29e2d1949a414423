import type { IHttpRequestMethods } from 'n8n-workflow';

/** How a field's parameter value is turned into its JSON value. */
export type FieldKind = 'string' | 'number' | 'boolean' | 'options' | 'json' | 'stringList' | 'dateTime';

/** One field of an operation's request: a path segment, a query parameter or a property of the JSON body. */
export interface AllixiosField {
	/** The n8n parameter name (inside "additionalFields" unless topLevel). */
	parameter: string;
	/** The name on the wire: the path placeholder, query parameter or JSON property. */
	key: string;
	location: 'path' | 'query' | 'body';
	kind: FieldKind;
	/** A parameter of the node itself (required by the contract, or shown first), not an additional field. */
	topLevel: boolean;
}

/** One operation of the node, as the runtime's contract defines it. */
export interface AllixiosOperation {
	resource: string;
	operation: string;
	method: IHttpRequestMethods;
	/** The path with {placeholders} for its path fields. */
	path: string;
	fields: AllixiosField[];
	/** Body fields the node fills itself (not from a generated parameter), e.g. the job type. */
	nodeFields: string[];
}
