/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-mixed-operators, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars, default-case, jsdoc/require-param*/
import $protobuf from "protobufjs/minimal.js";

// Common aliases
const $Reader = $protobuf.Reader, $Writer = $protobuf.Writer, $util = $protobuf.util;
const $Object = $util.global.Object, $undefined = $util.global.undefined, $Error = $util.global.Error, $RangeError = $util.global.RangeError;

// Exported root namespace
const $root = $protobuf.roots["default"] || ($protobuf.roots["default"] = {});

export const etcdserverpb = $root.etcdserverpb = (() => {

    /**
     * Namespace etcdserverpb.
     * @exports etcdserverpb
     * @namespace
     */
    const etcdserverpb = {};

    etcdserverpb.ResponseHeader = (function() {

        /**
         * Properties of a ResponseHeader.
         * @typedef {Object} etcdserverpb.ResponseHeader.$Properties
         * @property {number|Long|null} [clusterId] ResponseHeader clusterId
         * @property {number|Long|null} [memberId] ResponseHeader memberId
         * @property {number|Long|null} [revision] ResponseHeader revision
         * @property {number|Long|null} [raftTerm] ResponseHeader raftTerm
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a ResponseHeader.
         * @memberof etcdserverpb
         * @interface IResponseHeader
         * @augments etcdserverpb.ResponseHeader.$Properties
         * @deprecated Use etcdserverpb.ResponseHeader.$Properties instead.
         */

        /**
         * Shape of a ResponseHeader.
         * @typedef {etcdserverpb.ResponseHeader.$Properties} etcdserverpb.ResponseHeader.$Shape
         */

        /**
         * Constructs a new ResponseHeader.
         * @memberof etcdserverpb
         * @classdesc Represents a ResponseHeader.
         * @constructor
         * @param {etcdserverpb.ResponseHeader.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const ResponseHeader = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * ResponseHeader clusterId.
         * @member {number|Long} clusterId
         * @memberof etcdserverpb.ResponseHeader
         * @instance
         */
        ResponseHeader.prototype.clusterId = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * ResponseHeader memberId.
         * @member {number|Long} memberId
         * @memberof etcdserverpb.ResponseHeader
         * @instance
         */
        ResponseHeader.prototype.memberId = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * ResponseHeader revision.
         * @member {number|Long} revision
         * @memberof etcdserverpb.ResponseHeader
         * @instance
         */
        ResponseHeader.prototype.revision = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

        /**
         * ResponseHeader raftTerm.
         * @member {number|Long} raftTerm
         * @memberof etcdserverpb.ResponseHeader
         * @instance
         */
        ResponseHeader.prototype.raftTerm = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Encodes the specified ResponseHeader message. Does not implicitly {@link etcdserverpb.ResponseHeader.verify|verify} messages.
         * @function encode
         * @memberof etcdserverpb.ResponseHeader
         * @static
         * @param {etcdserverpb.ResponseHeader.$Properties} message ResponseHeader message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        ResponseHeader.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.clusterId != null && $Object.hasOwnProperty.call(message, "clusterId") && (typeof message.clusterId === "object" ? message.clusterId.low || message.clusterId.high : message.clusterId !== 0))
                writer.uint32(/* id 1, wireType 0 =*/8).uint64(message.clusterId);
            if (message.memberId != null && $Object.hasOwnProperty.call(message, "memberId") && (typeof message.memberId === "object" ? message.memberId.low || message.memberId.high : message.memberId !== 0))
                writer.uint32(/* id 2, wireType 0 =*/16).uint64(message.memberId);
            if (message.revision != null && $Object.hasOwnProperty.call(message, "revision") && (typeof message.revision === "object" ? message.revision.low || message.revision.high : message.revision !== 0))
                writer.uint32(/* id 3, wireType 0 =*/24).int64(message.revision);
            if (message.raftTerm != null && $Object.hasOwnProperty.call(message, "raftTerm") && (typeof message.raftTerm === "object" ? message.raftTerm.low || message.raftTerm.high : message.raftTerm !== 0))
                writer.uint32(/* id 4, wireType 0 =*/32).uint64(message.raftTerm);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a ResponseHeader message from the specified reader or buffer.
         * @function decode
         * @memberof etcdserverpb.ResponseHeader
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {etcdserverpb.ResponseHeader & etcdserverpb.ResponseHeader.$Shape} ResponseHeader
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        ResponseHeader.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.etcdserverpb.ResponseHeader();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.clusterId = value;
                        else
                            delete message.clusterId;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.memberId = value;
                        else
                            delete message.memberId;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                            message.revision = value;
                        else
                            delete message.revision;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.raftTerm = value;
                        else
                            delete message.raftTerm;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for ResponseHeader
         * @function getTypeUrl
         * @memberof etcdserverpb.ResponseHeader
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        ResponseHeader.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/etcdserverpb.ResponseHeader";
        };

        return ResponseHeader;
    })();

    etcdserverpb.RangeRequest = (function() {

        /**
         * Properties of a RangeRequest.
         * @typedef {Object} etcdserverpb.RangeRequest.$Properties
         * @property {Uint8Array|null} [key] RangeRequest key
         * @property {Uint8Array|null} [rangeEnd] RangeRequest rangeEnd
         * @property {number|Long|null} [limit] RangeRequest limit
         * @property {number|Long|null} [revision] RangeRequest revision
         * @property {etcdserverpb.RangeRequest.SortOrder|null} [sortOrder] RangeRequest sortOrder
         * @property {etcdserverpb.RangeRequest.SortTarget|null} [sortTarget] RangeRequest sortTarget
         * @property {boolean|null} [serializable] RangeRequest serializable
         * @property {boolean|null} [keysOnly] RangeRequest keysOnly
         * @property {boolean|null} [countOnly] RangeRequest countOnly
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a RangeRequest.
         * @memberof etcdserverpb
         * @interface IRangeRequest
         * @augments etcdserverpb.RangeRequest.$Properties
         * @deprecated Use etcdserverpb.RangeRequest.$Properties instead.
         */

        /**
         * Shape of a RangeRequest.
         * @typedef {etcdserverpb.RangeRequest.$Properties} etcdserverpb.RangeRequest.$Shape
         */

        /**
         * Constructs a new RangeRequest.
         * @memberof etcdserverpb
         * @classdesc Represents a RangeRequest.
         * @constructor
         * @param {etcdserverpb.RangeRequest.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const RangeRequest = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * RangeRequest key.
         * @member {Uint8Array} key
         * @memberof etcdserverpb.RangeRequest
         * @instance
         */
        RangeRequest.prototype.key = $util.newBuffer([]);

        /**
         * RangeRequest rangeEnd.
         * @member {Uint8Array} rangeEnd
         * @memberof etcdserverpb.RangeRequest
         * @instance
         */
        RangeRequest.prototype.rangeEnd = $util.newBuffer([]);

        /**
         * RangeRequest limit.
         * @member {number|Long} limit
         * @memberof etcdserverpb.RangeRequest
         * @instance
         */
        RangeRequest.prototype.limit = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

        /**
         * RangeRequest revision.
         * @member {number|Long} revision
         * @memberof etcdserverpb.RangeRequest
         * @instance
         */
        RangeRequest.prototype.revision = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

        /**
         * RangeRequest sortOrder.
         * @member {etcdserverpb.RangeRequest.SortOrder} sortOrder
         * @memberof etcdserverpb.RangeRequest
         * @instance
         */
        RangeRequest.prototype.sortOrder = 0;

        /**
         * RangeRequest sortTarget.
         * @member {etcdserverpb.RangeRequest.SortTarget} sortTarget
         * @memberof etcdserverpb.RangeRequest
         * @instance
         */
        RangeRequest.prototype.sortTarget = 0;

        /**
         * RangeRequest serializable.
         * @member {boolean} serializable
         * @memberof etcdserverpb.RangeRequest
         * @instance
         */
        RangeRequest.prototype.serializable = false;

        /**
         * RangeRequest keysOnly.
         * @member {boolean} keysOnly
         * @memberof etcdserverpb.RangeRequest
         * @instance
         */
        RangeRequest.prototype.keysOnly = false;

        /**
         * RangeRequest countOnly.
         * @member {boolean} countOnly
         * @memberof etcdserverpb.RangeRequest
         * @instance
         */
        RangeRequest.prototype.countOnly = false;

        /**
         * Encodes the specified RangeRequest message. Does not implicitly {@link etcdserverpb.RangeRequest.verify|verify} messages.
         * @function encode
         * @memberof etcdserverpb.RangeRequest
         * @static
         * @param {etcdserverpb.RangeRequest.$Properties} message RangeRequest message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        RangeRequest.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.key != null && $Object.hasOwnProperty.call(message, "key") && message.key.length)
                writer.uint32(/* id 1, wireType 2 =*/10).bytes(message.key);
            if (message.rangeEnd != null && $Object.hasOwnProperty.call(message, "rangeEnd") && message.rangeEnd.length)
                writer.uint32(/* id 2, wireType 2 =*/18).bytes(message.rangeEnd);
            if (message.limit != null && $Object.hasOwnProperty.call(message, "limit") && (typeof message.limit === "object" ? message.limit.low || message.limit.high : message.limit !== 0))
                writer.uint32(/* id 3, wireType 0 =*/24).int64(message.limit);
            if (message.revision != null && $Object.hasOwnProperty.call(message, "revision") && (typeof message.revision === "object" ? message.revision.low || message.revision.high : message.revision !== 0))
                writer.uint32(/* id 4, wireType 0 =*/32).int64(message.revision);
            if (message.sortOrder != null && $Object.hasOwnProperty.call(message, "sortOrder") && message.sortOrder !== 0)
                writer.uint32(/* id 5, wireType 0 =*/40).int32(message.sortOrder);
            if (message.sortTarget != null && $Object.hasOwnProperty.call(message, "sortTarget") && message.sortTarget !== 0)
                writer.uint32(/* id 6, wireType 0 =*/48).int32(message.sortTarget);
            if (message.serializable != null && $Object.hasOwnProperty.call(message, "serializable") && message.serializable !== false)
                writer.uint32(/* id 7, wireType 0 =*/56).bool(message.serializable);
            if (message.keysOnly != null && $Object.hasOwnProperty.call(message, "keysOnly") && message.keysOnly !== false)
                writer.uint32(/* id 8, wireType 0 =*/64).bool(message.keysOnly);
            if (message.countOnly != null && $Object.hasOwnProperty.call(message, "countOnly") && message.countOnly !== false)
                writer.uint32(/* id 9, wireType 0 =*/72).bool(message.countOnly);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a RangeRequest message from the specified reader or buffer.
         * @function decode
         * @memberof etcdserverpb.RangeRequest
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {etcdserverpb.RangeRequest & etcdserverpb.RangeRequest.$Shape} RangeRequest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        RangeRequest.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.etcdserverpb.RangeRequest();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.key = value;
                        else
                            delete message.key;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.rangeEnd = value;
                        else
                            delete message.rangeEnd;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                            message.limit = value;
                        else
                            delete message.limit;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                            message.revision = value;
                        else
                            delete message.revision;
                        continue;
                    }
                case 5: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.int32())
                            message.sortOrder = value;
                        else
                            delete message.sortOrder;
                        continue;
                    }
                case 6: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.int32())
                            message.sortTarget = value;
                        else
                            delete message.sortTarget;
                        continue;
                    }
                case 7: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.serializable = value;
                        else
                            delete message.serializable;
                        continue;
                    }
                case 8: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.keysOnly = value;
                        else
                            delete message.keysOnly;
                        continue;
                    }
                case 9: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.countOnly = value;
                        else
                            delete message.countOnly;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for RangeRequest
         * @function getTypeUrl
         * @memberof etcdserverpb.RangeRequest
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        RangeRequest.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/etcdserverpb.RangeRequest";
        };

        /**
         * SortOrder enum.
         * @name etcdserverpb.RangeRequest.SortOrder
         * @enum {number}
         * @property {number} NONE=0 NONE value
         * @property {number} ASCEND=1 ASCEND value
         * @property {number} DESCEND=2 DESCEND value
         */
        RangeRequest.SortOrder = (function() {
            const valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "NONE"] = 0;
            values[valuesById[1] = "ASCEND"] = 1;
            values[valuesById[2] = "DESCEND"] = 2;
            return values;
        })();

        /**
         * SortTarget enum.
         * @name etcdserverpb.RangeRequest.SortTarget
         * @enum {number}
         * @property {number} KEY=0 KEY value
         * @property {number} VERSION=1 VERSION value
         * @property {number} CREATE=2 CREATE value
         * @property {number} MOD=3 MOD value
         * @property {number} VALUE=4 VALUE value
         */
        RangeRequest.SortTarget = (function() {
            const valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "KEY"] = 0;
            values[valuesById[1] = "VERSION"] = 1;
            values[valuesById[2] = "CREATE"] = 2;
            values[valuesById[3] = "MOD"] = 3;
            values[valuesById[4] = "VALUE"] = 4;
            return values;
        })();

        return RangeRequest;
    })();

    etcdserverpb.RangeResponse = (function() {

        /**
         * Properties of a RangeResponse.
         * @typedef {Object} etcdserverpb.RangeResponse.$Properties
         * @property {etcdserverpb.ResponseHeader.$Properties|null} [header] RangeResponse header
         * @property {Array.<etcdserverpb.KeyValue.$Properties>|null} [kvs] RangeResponse kvs
         * @property {boolean|null} [more] RangeResponse more
         * @property {number|Long|null} [count] RangeResponse count
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a RangeResponse.
         * @memberof etcdserverpb
         * @interface IRangeResponse
         * @augments etcdserverpb.RangeResponse.$Properties
         * @deprecated Use etcdserverpb.RangeResponse.$Properties instead.
         */

        /**
         * Shape of a RangeResponse.
         * @typedef {etcdserverpb.RangeResponse.$Properties} etcdserverpb.RangeResponse.$Shape
         */

        /**
         * Constructs a new RangeResponse.
         * @memberof etcdserverpb
         * @classdesc Represents a RangeResponse.
         * @constructor
         * @param {etcdserverpb.RangeResponse.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const RangeResponse = function (properties) {
            this.kvs = [];
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * RangeResponse header.
         * @member {etcdserverpb.ResponseHeader.$Properties|null|undefined} header
         * @memberof etcdserverpb.RangeResponse
         * @instance
         */
        RangeResponse.prototype.header = null;

        /**
         * RangeResponse kvs.
         * @member {Array.<etcdserverpb.KeyValue.$Properties>} kvs
         * @memberof etcdserverpb.RangeResponse
         * @instance
         */
        RangeResponse.prototype.kvs = $util.emptyArray;

        /**
         * RangeResponse more.
         * @member {boolean} more
         * @memberof etcdserverpb.RangeResponse
         * @instance
         */
        RangeResponse.prototype.more = false;

        /**
         * RangeResponse count.
         * @member {number|Long} count
         * @memberof etcdserverpb.RangeResponse
         * @instance
         */
        RangeResponse.prototype.count = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

        /**
         * Encodes the specified RangeResponse message. Does not implicitly {@link etcdserverpb.RangeResponse.verify|verify} messages.
         * @function encode
         * @memberof etcdserverpb.RangeResponse
         * @static
         * @param {etcdserverpb.RangeResponse.$Properties} message RangeResponse message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        RangeResponse.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.header != null && $Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
            if (message.kvs != null && message.kvs.length)
                for (let i = 0; i < message.kvs.length; ++i)
                    $root.etcdserverpb.KeyValue.encode(message.kvs[i], writer.uint32(/* id 2, wireType 2 =*/18).fork(), _depth + 1).ldelim();
            if (message.more != null && $Object.hasOwnProperty.call(message, "more") && message.more !== false)
                writer.uint32(/* id 3, wireType 0 =*/24).bool(message.more);
            if (message.count != null && $Object.hasOwnProperty.call(message, "count") && (typeof message.count === "object" ? message.count.low || message.count.high : message.count !== 0))
                writer.uint32(/* id 4, wireType 0 =*/32).int64(message.count);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a RangeResponse message from the specified reader or buffer.
         * @function decode
         * @memberof etcdserverpb.RangeResponse
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {etcdserverpb.RangeResponse & etcdserverpb.RangeResponse.$Shape} RangeResponse
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        RangeResponse.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.etcdserverpb.RangeResponse();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.size(), $undefined, _depth + 1, message.header);
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if (!(message.kvs && message.kvs.length))
                            message.kvs = [];
                        message.kvs.push($root.etcdserverpb.KeyValue.decode(reader, reader.size(), $undefined, _depth + 1));
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.more = value;
                        else
                            delete message.more;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                            message.count = value;
                        else
                            delete message.count;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for RangeResponse
         * @function getTypeUrl
         * @memberof etcdserverpb.RangeResponse
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        RangeResponse.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/etcdserverpb.RangeResponse";
        };

        return RangeResponse;
    })();

    etcdserverpb.PutRequest = (function() {

        /**
         * Properties of a PutRequest.
         * @typedef {Object} etcdserverpb.PutRequest.$Properties
         * @property {Uint8Array|null} [key] PutRequest key
         * @property {Uint8Array|null} [value] PutRequest value
         * @property {number|Long|null} [lease] PutRequest lease
         * @property {boolean|null} [prevKv] PutRequest prevKv
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a PutRequest.
         * @memberof etcdserverpb
         * @interface IPutRequest
         * @augments etcdserverpb.PutRequest.$Properties
         * @deprecated Use etcdserverpb.PutRequest.$Properties instead.
         */

        /**
         * Shape of a PutRequest.
         * @typedef {etcdserverpb.PutRequest.$Properties} etcdserverpb.PutRequest.$Shape
         */

        /**
         * Constructs a new PutRequest.
         * @memberof etcdserverpb
         * @classdesc Represents a PutRequest.
         * @constructor
         * @param {etcdserverpb.PutRequest.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const PutRequest = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * PutRequest key.
         * @member {Uint8Array} key
         * @memberof etcdserverpb.PutRequest
         * @instance
         */
        PutRequest.prototype.key = $util.newBuffer([]);

        /**
         * PutRequest value.
         * @member {Uint8Array} value
         * @memberof etcdserverpb.PutRequest
         * @instance
         */
        PutRequest.prototype.value = $util.newBuffer([]);

        /**
         * PutRequest lease.
         * @member {number|Long} lease
         * @memberof etcdserverpb.PutRequest
         * @instance
         */
        PutRequest.prototype.lease = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

        /**
         * PutRequest prevKv.
         * @member {boolean} prevKv
         * @memberof etcdserverpb.PutRequest
         * @instance
         */
        PutRequest.prototype.prevKv = false;

        /**
         * Encodes the specified PutRequest message. Does not implicitly {@link etcdserverpb.PutRequest.verify|verify} messages.
         * @function encode
         * @memberof etcdserverpb.PutRequest
         * @static
         * @param {etcdserverpb.PutRequest.$Properties} message PutRequest message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        PutRequest.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.key != null && $Object.hasOwnProperty.call(message, "key") && message.key.length)
                writer.uint32(/* id 1, wireType 2 =*/10).bytes(message.key);
            if (message.value != null && $Object.hasOwnProperty.call(message, "value") && message.value.length)
                writer.uint32(/* id 2, wireType 2 =*/18).bytes(message.value);
            if (message.lease != null && $Object.hasOwnProperty.call(message, "lease") && (typeof message.lease === "object" ? message.lease.low || message.lease.high : message.lease !== 0))
                writer.uint32(/* id 3, wireType 0 =*/24).int64(message.lease);
            if (message.prevKv != null && $Object.hasOwnProperty.call(message, "prevKv") && message.prevKv !== false)
                writer.uint32(/* id 4, wireType 0 =*/32).bool(message.prevKv);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a PutRequest message from the specified reader or buffer.
         * @function decode
         * @memberof etcdserverpb.PutRequest
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {etcdserverpb.PutRequest & etcdserverpb.PutRequest.$Shape} PutRequest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        PutRequest.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.etcdserverpb.PutRequest();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.key = value;
                        else
                            delete message.key;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.value = value;
                        else
                            delete message.value;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                            message.lease = value;
                        else
                            delete message.lease;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.prevKv = value;
                        else
                            delete message.prevKv;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for PutRequest
         * @function getTypeUrl
         * @memberof etcdserverpb.PutRequest
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        PutRequest.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/etcdserverpb.PutRequest";
        };

        return PutRequest;
    })();

    etcdserverpb.PutResponse = (function() {

        /**
         * Properties of a PutResponse.
         * @typedef {Object} etcdserverpb.PutResponse.$Properties
         * @property {etcdserverpb.ResponseHeader.$Properties|null} [header] PutResponse header
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a PutResponse.
         * @memberof etcdserverpb
         * @interface IPutResponse
         * @augments etcdserverpb.PutResponse.$Properties
         * @deprecated Use etcdserverpb.PutResponse.$Properties instead.
         */

        /**
         * Shape of a PutResponse.
         * @typedef {etcdserverpb.PutResponse.$Properties} etcdserverpb.PutResponse.$Shape
         */

        /**
         * Constructs a new PutResponse.
         * @memberof etcdserverpb
         * @classdesc Represents a PutResponse.
         * @constructor
         * @param {etcdserverpb.PutResponse.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const PutResponse = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * PutResponse header.
         * @member {etcdserverpb.ResponseHeader.$Properties|null|undefined} header
         * @memberof etcdserverpb.PutResponse
         * @instance
         */
        PutResponse.prototype.header = null;

        /**
         * Encodes the specified PutResponse message. Does not implicitly {@link etcdserverpb.PutResponse.verify|verify} messages.
         * @function encode
         * @memberof etcdserverpb.PutResponse
         * @static
         * @param {etcdserverpb.PutResponse.$Properties} message PutResponse message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        PutResponse.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.header != null && $Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a PutResponse message from the specified reader or buffer.
         * @function decode
         * @memberof etcdserverpb.PutResponse
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {etcdserverpb.PutResponse & etcdserverpb.PutResponse.$Shape} PutResponse
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        PutResponse.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.etcdserverpb.PutResponse();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.size(), $undefined, _depth + 1, message.header);
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for PutResponse
         * @function getTypeUrl
         * @memberof etcdserverpb.PutResponse
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        PutResponse.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/etcdserverpb.PutResponse";
        };

        return PutResponse;
    })();

    etcdserverpb.KeyValue = (function() {

        /**
         * Properties of a KeyValue.
         * @typedef {Object} etcdserverpb.KeyValue.$Properties
         * @property {Uint8Array|null} [key] KeyValue key
         * @property {number|Long|null} [createRevision] KeyValue createRevision
         * @property {number|Long|null} [modRevision] KeyValue modRevision
         * @property {number|Long|null} [version] KeyValue version
         * @property {Uint8Array|null} [value] KeyValue value
         * @property {number|Long|null} [lease] KeyValue lease
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a KeyValue.
         * @memberof etcdserverpb
         * @interface IKeyValue
         * @augments etcdserverpb.KeyValue.$Properties
         * @deprecated Use etcdserverpb.KeyValue.$Properties instead.
         */

        /**
         * Shape of a KeyValue.
         * @typedef {etcdserverpb.KeyValue.$Properties} etcdserverpb.KeyValue.$Shape
         */

        /**
         * Constructs a new KeyValue.
         * @memberof etcdserverpb
         * @classdesc Represents a KeyValue.
         * @constructor
         * @param {etcdserverpb.KeyValue.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const KeyValue = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * KeyValue key.
         * @member {Uint8Array} key
         * @memberof etcdserverpb.KeyValue
         * @instance
         */
        KeyValue.prototype.key = $util.newBuffer([]);

        /**
         * KeyValue createRevision.
         * @member {number|Long} createRevision
         * @memberof etcdserverpb.KeyValue
         * @instance
         */
        KeyValue.prototype.createRevision = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

        /**
         * KeyValue modRevision.
         * @member {number|Long} modRevision
         * @memberof etcdserverpb.KeyValue
         * @instance
         */
        KeyValue.prototype.modRevision = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

        /**
         * KeyValue version.
         * @member {number|Long} version
         * @memberof etcdserverpb.KeyValue
         * @instance
         */
        KeyValue.prototype.version = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

        /**
         * KeyValue value.
         * @member {Uint8Array} value
         * @memberof etcdserverpb.KeyValue
         * @instance
         */
        KeyValue.prototype.value = $util.newBuffer([]);

        /**
         * KeyValue lease.
         * @member {number|Long} lease
         * @memberof etcdserverpb.KeyValue
         * @instance
         */
        KeyValue.prototype.lease = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

        /**
         * Encodes the specified KeyValue message. Does not implicitly {@link etcdserverpb.KeyValue.verify|verify} messages.
         * @function encode
         * @memberof etcdserverpb.KeyValue
         * @static
         * @param {etcdserverpb.KeyValue.$Properties} message KeyValue message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        KeyValue.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.key != null && $Object.hasOwnProperty.call(message, "key") && message.key.length)
                writer.uint32(/* id 1, wireType 2 =*/10).bytes(message.key);
            if (message.createRevision != null && $Object.hasOwnProperty.call(message, "createRevision") && (typeof message.createRevision === "object" ? message.createRevision.low || message.createRevision.high : message.createRevision !== 0))
                writer.uint32(/* id 2, wireType 0 =*/16).int64(message.createRevision);
            if (message.modRevision != null && $Object.hasOwnProperty.call(message, "modRevision") && (typeof message.modRevision === "object" ? message.modRevision.low || message.modRevision.high : message.modRevision !== 0))
                writer.uint32(/* id 3, wireType 0 =*/24).int64(message.modRevision);
            if (message.version != null && $Object.hasOwnProperty.call(message, "version") && (typeof message.version === "object" ? message.version.low || message.version.high : message.version !== 0))
                writer.uint32(/* id 4, wireType 0 =*/32).int64(message.version);
            if (message.value != null && $Object.hasOwnProperty.call(message, "value") && message.value.length)
                writer.uint32(/* id 5, wireType 2 =*/42).bytes(message.value);
            if (message.lease != null && $Object.hasOwnProperty.call(message, "lease") && (typeof message.lease === "object" ? message.lease.low || message.lease.high : message.lease !== 0))
                writer.uint32(/* id 6, wireType 0 =*/48).int64(message.lease);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a KeyValue message from the specified reader or buffer.
         * @function decode
         * @memberof etcdserverpb.KeyValue
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {etcdserverpb.KeyValue & etcdserverpb.KeyValue.$Shape} KeyValue
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        KeyValue.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.etcdserverpb.KeyValue();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.key = value;
                        else
                            delete message.key;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                            message.createRevision = value;
                        else
                            delete message.createRevision;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                            message.modRevision = value;
                        else
                            delete message.modRevision;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                            message.version = value;
                        else
                            delete message.version;
                        continue;
                    }
                case 5: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.value = value;
                        else
                            delete message.value;
                        continue;
                    }
                case 6: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                            message.lease = value;
                        else
                            delete message.lease;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for KeyValue
         * @function getTypeUrl
         * @memberof etcdserverpb.KeyValue
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        KeyValue.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/etcdserverpb.KeyValue";
        };

        return KeyValue;
    })();

    return etcdserverpb;
})();

export {
  $root as default
};
