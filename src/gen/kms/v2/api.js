/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-mixed-operators, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars, default-case, jsdoc/require-param*/
import $protobuf from "protobufjs/minimal.js";

// Common aliases
const $Reader = $protobuf.Reader, $Writer = $protobuf.Writer, $util = $protobuf.util;
const $Object = $util.global.Object, $undefined = $util.global.undefined, $Error = $util.global.Error, $RangeError = $util.global.RangeError;

// Exported root namespace
const $root = $protobuf.roots["default"] || ($protobuf.roots["default"] = {});

export const v2 = $root.v2 = (() => {

    /**
     * Namespace v2.
     * @exports v2
     * @namespace
     */
    const v2 = {};

    v2.StatusRequest = (function() {

        /**
         * Properties of a StatusRequest.
         * @typedef {Object} v2.StatusRequest.$Properties
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a StatusRequest.
         * @memberof v2
         * @interface IStatusRequest
         * @augments v2.StatusRequest.$Properties
         * @deprecated Use v2.StatusRequest.$Properties instead.
         */

        /**
         * Shape of a StatusRequest.
         * @typedef {v2.StatusRequest.$Properties} v2.StatusRequest.$Shape
         */

        /**
         * Constructs a new StatusRequest.
         * @memberof v2
         * @classdesc Represents a StatusRequest.
         * @constructor
         * @param {v2.StatusRequest.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const StatusRequest = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Encodes the specified StatusRequest message. Does not implicitly {@link v2.StatusRequest.verify|verify} messages.
         * @function encode
         * @memberof v2.StatusRequest
         * @static
         * @param {v2.StatusRequest.$Properties} message StatusRequest message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        StatusRequest.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a StatusRequest message from the specified reader or buffer.
         * @function decode
         * @memberof v2.StatusRequest
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {v2.StatusRequest & v2.StatusRequest.$Shape} StatusRequest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        StatusRequest.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.v2.StatusRequest();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                reader.skipType(tag & 7, _depth, tag);
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
         * Gets the type url for StatusRequest
         * @function getTypeUrl
         * @memberof v2.StatusRequest
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        StatusRequest.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/v2.StatusRequest";
        };

        return StatusRequest;
    })();

    v2.StatusResponse = (function() {

        /**
         * Properties of a StatusResponse.
         * @typedef {Object} v2.StatusResponse.$Properties
         * @property {string|null} [version] StatusResponse version
         * @property {string|null} [healthz] StatusResponse healthz
         * @property {string|null} [keyId] StatusResponse keyId
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a StatusResponse.
         * @memberof v2
         * @interface IStatusResponse
         * @augments v2.StatusResponse.$Properties
         * @deprecated Use v2.StatusResponse.$Properties instead.
         */

        /**
         * Shape of a StatusResponse.
         * @typedef {v2.StatusResponse.$Properties} v2.StatusResponse.$Shape
         */

        /**
         * Constructs a new StatusResponse.
         * @memberof v2
         * @classdesc Represents a StatusResponse.
         * @constructor
         * @param {v2.StatusResponse.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const StatusResponse = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * StatusResponse version.
         * @member {string} version
         * @memberof v2.StatusResponse
         * @instance
         */
        StatusResponse.prototype.version = "";

        /**
         * StatusResponse healthz.
         * @member {string} healthz
         * @memberof v2.StatusResponse
         * @instance
         */
        StatusResponse.prototype.healthz = "";

        /**
         * StatusResponse keyId.
         * @member {string} keyId
         * @memberof v2.StatusResponse
         * @instance
         */
        StatusResponse.prototype.keyId = "";

        /**
         * Encodes the specified StatusResponse message. Does not implicitly {@link v2.StatusResponse.verify|verify} messages.
         * @function encode
         * @memberof v2.StatusResponse
         * @static
         * @param {v2.StatusResponse.$Properties} message StatusResponse message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        StatusResponse.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.version != null && $Object.hasOwnProperty.call(message, "version") && message.version !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.version);
            if (message.healthz != null && $Object.hasOwnProperty.call(message, "healthz") && message.healthz !== "")
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.healthz);
            if (message.keyId != null && $Object.hasOwnProperty.call(message, "keyId") && message.keyId !== "")
                writer.uint32(/* id 3, wireType 2 =*/26).string(message.keyId);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a StatusResponse message from the specified reader or buffer.
         * @function decode
         * @memberof v2.StatusResponse
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {v2.StatusResponse & v2.StatusResponse.$Shape} StatusResponse
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        StatusResponse.decode = function (reader, length, _end, _depth, _target) {
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
            message = _target || new $root.v2.StatusResponse();
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
                        if ((value = reader.stringVerify()).length)
                            message.version = value;
                        else
                            delete message.version;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.healthz = value;
                        else
                            delete message.healthz;
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.keyId = value;
                        else
                            delete message.keyId;
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
         * Gets the type url for StatusResponse
         * @function getTypeUrl
         * @memberof v2.StatusResponse
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        StatusResponse.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/v2.StatusResponse";
        };

        return StatusResponse;
    })();

    v2.DecryptRequest = (function() {

        /**
         * Properties of a DecryptRequest.
         * @typedef {Object} v2.DecryptRequest.$Properties
         * @property {Uint8Array|null} [ciphertext] DecryptRequest ciphertext
         * @property {string|null} [uid] DecryptRequest uid
         * @property {string|null} [keyId] DecryptRequest keyId
         * @property {Object.<string,Uint8Array>|null} [annotations] DecryptRequest annotations
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a DecryptRequest.
         * @memberof v2
         * @interface IDecryptRequest
         * @augments v2.DecryptRequest.$Properties
         * @deprecated Use v2.DecryptRequest.$Properties instead.
         */

        /**
         * Shape of a DecryptRequest.
         * @typedef {v2.DecryptRequest.$Properties} v2.DecryptRequest.$Shape
         */

        /**
         * Constructs a new DecryptRequest.
         * @memberof v2
         * @classdesc Represents a DecryptRequest.
         * @constructor
         * @param {v2.DecryptRequest.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const DecryptRequest = function (properties) {
            this.annotations = {};
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * DecryptRequest ciphertext.
         * @member {Uint8Array} ciphertext
         * @memberof v2.DecryptRequest
         * @instance
         */
        DecryptRequest.prototype.ciphertext = $util.newBuffer([]);

        /**
         * DecryptRequest uid.
         * @member {string} uid
         * @memberof v2.DecryptRequest
         * @instance
         */
        DecryptRequest.prototype.uid = "";

        /**
         * DecryptRequest keyId.
         * @member {string} keyId
         * @memberof v2.DecryptRequest
         * @instance
         */
        DecryptRequest.prototype.keyId = "";

        /**
         * DecryptRequest annotations.
         * @member {Object.<string,Uint8Array>} annotations
         * @memberof v2.DecryptRequest
         * @instance
         */
        DecryptRequest.prototype.annotations = $util.emptyObject;

        /**
         * Encodes the specified DecryptRequest message. Does not implicitly {@link v2.DecryptRequest.verify|verify} messages.
         * @function encode
         * @memberof v2.DecryptRequest
         * @static
         * @param {v2.DecryptRequest.$Properties} message DecryptRequest message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        DecryptRequest.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.ciphertext != null && $Object.hasOwnProperty.call(message, "ciphertext") && message.ciphertext.length)
                writer.uint32(/* id 1, wireType 2 =*/10).bytes(message.ciphertext);
            if (message.uid != null && $Object.hasOwnProperty.call(message, "uid") && message.uid !== "")
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.uid);
            if (message.keyId != null && $Object.hasOwnProperty.call(message, "keyId") && message.keyId !== "")
                writer.uint32(/* id 3, wireType 2 =*/26).string(message.keyId);
            if (message.annotations != null && $Object.hasOwnProperty.call(message, "annotations"))
                for (let keys = $Object.keys(message.annotations), i = 0; i < keys.length; ++i)
                    writer.uint32(/* id 4, wireType 2 =*/34).fork().uint32(/* id 1, wireType 2 =*/10).string(keys[i]).uint32(/* id 2, wireType 2 =*/18).bytes(message.annotations[keys[i]]).ldelim();
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a DecryptRequest message from the specified reader or buffer.
         * @function decode
         * @memberof v2.DecryptRequest
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {v2.DecryptRequest & v2.DecryptRequest.$Shape} DecryptRequest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        DecryptRequest.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, key, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.v2.DecryptRequest();
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
                            message.ciphertext = value;
                        else
                            delete message.ciphertext;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.uid = value;
                        else
                            delete message.uid;
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.keyId = value;
                        else
                            delete message.keyId;
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        if (message.annotations === $util.emptyObject)
                            message.annotations = {};
                        let end2 = reader.size() + reader.pos;
                        if (end2 > reader.len)
                            throw $RangeError("index out of range");
                        reader.len = end2;
                        key = "";
                        value = $util.newBuffer([]);
                        while (reader.pos < end2) {
                            let tag2 = reader.tag();
                            wireType = tag2 & 7;
                            switch (tag2 >>>= 3) {
                            case 1:
                                if (wireType !== 2)
                                    break;
                                key = reader.stringVerify();
                                continue;
                            case 2:
                                if (wireType !== 2)
                                    break;
                                value = reader.bytes();
                                continue;
                            }
                            reader.skipType(wireType, _depth, tag2);
                        }
                        if (reader.pos !== end2)
                            throw $RangeError("index out of range");
                        reader.len = end;
                        if (key === "__proto__")
                            $util.makeProp(message.annotations, key);
                        message.annotations[key] = value;
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
         * Gets the type url for DecryptRequest
         * @function getTypeUrl
         * @memberof v2.DecryptRequest
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        DecryptRequest.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/v2.DecryptRequest";
        };

        return DecryptRequest;
    })();

    v2.DecryptResponse = (function() {

        /**
         * Properties of a DecryptResponse.
         * @typedef {Object} v2.DecryptResponse.$Properties
         * @property {Uint8Array|null} [plaintext] DecryptResponse plaintext
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a DecryptResponse.
         * @memberof v2
         * @interface IDecryptResponse
         * @augments v2.DecryptResponse.$Properties
         * @deprecated Use v2.DecryptResponse.$Properties instead.
         */

        /**
         * Shape of a DecryptResponse.
         * @typedef {v2.DecryptResponse.$Properties} v2.DecryptResponse.$Shape
         */

        /**
         * Constructs a new DecryptResponse.
         * @memberof v2
         * @classdesc Represents a DecryptResponse.
         * @constructor
         * @param {v2.DecryptResponse.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const DecryptResponse = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * DecryptResponse plaintext.
         * @member {Uint8Array} plaintext
         * @memberof v2.DecryptResponse
         * @instance
         */
        DecryptResponse.prototype.plaintext = $util.newBuffer([]);

        /**
         * Encodes the specified DecryptResponse message. Does not implicitly {@link v2.DecryptResponse.verify|verify} messages.
         * @function encode
         * @memberof v2.DecryptResponse
         * @static
         * @param {v2.DecryptResponse.$Properties} message DecryptResponse message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        DecryptResponse.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.plaintext != null && $Object.hasOwnProperty.call(message, "plaintext") && message.plaintext.length)
                writer.uint32(/* id 1, wireType 2 =*/10).bytes(message.plaintext);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a DecryptResponse message from the specified reader or buffer.
         * @function decode
         * @memberof v2.DecryptResponse
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {v2.DecryptResponse & v2.DecryptResponse.$Shape} DecryptResponse
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        DecryptResponse.decode = function (reader, length, _end, _depth, _target) {
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
            message = _target || new $root.v2.DecryptResponse();
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
                            message.plaintext = value;
                        else
                            delete message.plaintext;
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
         * Gets the type url for DecryptResponse
         * @function getTypeUrl
         * @memberof v2.DecryptResponse
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        DecryptResponse.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/v2.DecryptResponse";
        };

        return DecryptResponse;
    })();

    v2.EncryptRequest = (function() {

        /**
         * Properties of an EncryptRequest.
         * @typedef {Object} v2.EncryptRequest.$Properties
         * @property {Uint8Array|null} [plaintext] EncryptRequest plaintext
         * @property {string|null} [uid] EncryptRequest uid
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of an EncryptRequest.
         * @memberof v2
         * @interface IEncryptRequest
         * @augments v2.EncryptRequest.$Properties
         * @deprecated Use v2.EncryptRequest.$Properties instead.
         */

        /**
         * Shape of an EncryptRequest.
         * @typedef {v2.EncryptRequest.$Properties} v2.EncryptRequest.$Shape
         */

        /**
         * Constructs a new EncryptRequest.
         * @memberof v2
         * @classdesc Represents an EncryptRequest.
         * @constructor
         * @param {v2.EncryptRequest.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const EncryptRequest = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * EncryptRequest plaintext.
         * @member {Uint8Array} plaintext
         * @memberof v2.EncryptRequest
         * @instance
         */
        EncryptRequest.prototype.plaintext = $util.newBuffer([]);

        /**
         * EncryptRequest uid.
         * @member {string} uid
         * @memberof v2.EncryptRequest
         * @instance
         */
        EncryptRequest.prototype.uid = "";

        /**
         * Encodes the specified EncryptRequest message. Does not implicitly {@link v2.EncryptRequest.verify|verify} messages.
         * @function encode
         * @memberof v2.EncryptRequest
         * @static
         * @param {v2.EncryptRequest.$Properties} message EncryptRequest message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        EncryptRequest.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.plaintext != null && $Object.hasOwnProperty.call(message, "plaintext") && message.plaintext.length)
                writer.uint32(/* id 1, wireType 2 =*/10).bytes(message.plaintext);
            if (message.uid != null && $Object.hasOwnProperty.call(message, "uid") && message.uid !== "")
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.uid);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes an EncryptRequest message from the specified reader or buffer.
         * @function decode
         * @memberof v2.EncryptRequest
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {v2.EncryptRequest & v2.EncryptRequest.$Shape} EncryptRequest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        EncryptRequest.decode = function (reader, length, _end, _depth, _target) {
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
            message = _target || new $root.v2.EncryptRequest();
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
                            message.plaintext = value;
                        else
                            delete message.plaintext;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.uid = value;
                        else
                            delete message.uid;
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
         * Gets the type url for EncryptRequest
         * @function getTypeUrl
         * @memberof v2.EncryptRequest
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        EncryptRequest.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/v2.EncryptRequest";
        };

        return EncryptRequest;
    })();

    v2.EncryptResponse = (function() {

        /**
         * Properties of an EncryptResponse.
         * @typedef {Object} v2.EncryptResponse.$Properties
         * @property {Uint8Array|null} [ciphertext] EncryptResponse ciphertext
         * @property {string|null} [keyId] EncryptResponse keyId
         * @property {Object.<string,Uint8Array>|null} [annotations] EncryptResponse annotations
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of an EncryptResponse.
         * @memberof v2
         * @interface IEncryptResponse
         * @augments v2.EncryptResponse.$Properties
         * @deprecated Use v2.EncryptResponse.$Properties instead.
         */

        /**
         * Shape of an EncryptResponse.
         * @typedef {v2.EncryptResponse.$Properties} v2.EncryptResponse.$Shape
         */

        /**
         * Constructs a new EncryptResponse.
         * @memberof v2
         * @classdesc Represents an EncryptResponse.
         * @constructor
         * @param {v2.EncryptResponse.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const EncryptResponse = function (properties) {
            this.annotations = {};
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * EncryptResponse ciphertext.
         * @member {Uint8Array} ciphertext
         * @memberof v2.EncryptResponse
         * @instance
         */
        EncryptResponse.prototype.ciphertext = $util.newBuffer([]);

        /**
         * EncryptResponse keyId.
         * @member {string} keyId
         * @memberof v2.EncryptResponse
         * @instance
         */
        EncryptResponse.prototype.keyId = "";

        /**
         * EncryptResponse annotations.
         * @member {Object.<string,Uint8Array>} annotations
         * @memberof v2.EncryptResponse
         * @instance
         */
        EncryptResponse.prototype.annotations = $util.emptyObject;

        /**
         * Encodes the specified EncryptResponse message. Does not implicitly {@link v2.EncryptResponse.verify|verify} messages.
         * @function encode
         * @memberof v2.EncryptResponse
         * @static
         * @param {v2.EncryptResponse.$Properties} message EncryptResponse message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        EncryptResponse.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.ciphertext != null && $Object.hasOwnProperty.call(message, "ciphertext") && message.ciphertext.length)
                writer.uint32(/* id 1, wireType 2 =*/10).bytes(message.ciphertext);
            if (message.keyId != null && $Object.hasOwnProperty.call(message, "keyId") && message.keyId !== "")
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.keyId);
            if (message.annotations != null && $Object.hasOwnProperty.call(message, "annotations"))
                for (let keys = $Object.keys(message.annotations), i = 0; i < keys.length; ++i)
                    writer.uint32(/* id 3, wireType 2 =*/26).fork().uint32(/* id 1, wireType 2 =*/10).string(keys[i]).uint32(/* id 2, wireType 2 =*/18).bytes(message.annotations[keys[i]]).ldelim();
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes an EncryptResponse message from the specified reader or buffer.
         * @function decode
         * @memberof v2.EncryptResponse
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {v2.EncryptResponse & v2.EncryptResponse.$Shape} EncryptResponse
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        EncryptResponse.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, key, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.v2.EncryptResponse();
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
                            message.ciphertext = value;
                        else
                            delete message.ciphertext;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.keyId = value;
                        else
                            delete message.keyId;
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        if (message.annotations === $util.emptyObject)
                            message.annotations = {};
                        let end2 = reader.size() + reader.pos;
                        if (end2 > reader.len)
                            throw $RangeError("index out of range");
                        reader.len = end2;
                        key = "";
                        value = $util.newBuffer([]);
                        while (reader.pos < end2) {
                            let tag2 = reader.tag();
                            wireType = tag2 & 7;
                            switch (tag2 >>>= 3) {
                            case 1:
                                if (wireType !== 2)
                                    break;
                                key = reader.stringVerify();
                                continue;
                            case 2:
                                if (wireType !== 2)
                                    break;
                                value = reader.bytes();
                                continue;
                            }
                            reader.skipType(wireType, _depth, tag2);
                        }
                        if (reader.pos !== end2)
                            throw $RangeError("index out of range");
                        reader.len = end;
                        if (key === "__proto__")
                            $util.makeProp(message.annotations, key);
                        message.annotations[key] = value;
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
         * Gets the type url for EncryptResponse
         * @function getTypeUrl
         * @memberof v2.EncryptResponse
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        EncryptResponse.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/v2.EncryptResponse";
        };

        return EncryptResponse;
    })();

    return v2;
})();

export {
  $root as default
};
