package awstest

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
)

func init() {
	mounts = append(mounts, func(s *Server) { s.Mount("sns", &SNS{s: s, topics: map[string]bool{}}) })
}

// SNSMaxMessageBytes is SNS's limit on a published message: the message body
// (for MessageStructure=json, the whole JSON document) plus its attributes.
const SNSMaxMessageBytes = 262144

// SNS is the server's Simple Notification Service: Publish, CreateTopic and
// ListTopics over the Query protocol, validating requests the way SNS does
// (topic exists, message size, subject, MessageStructure=json documents).
// Server.SNS returns it; published messages are kept for the test to read.
type SNS struct {
	s *Server

	mu       sync.Mutex
	topics   map[string]bool
	messages []SNSMessage
}

// SNSMessage is a message a client published.
type SNSMessage struct {
	MessageID        string
	TopicArn         string
	Subject          string
	Message          string
	MessageStructure string
	// Attributes are the message attributes' string or binary values by name.
	Attributes map[string]string
	// Account and Region are the caller's.
	Account, Region string
}

// Body returns what a subscriber of protocol (email, sqs, lambda, https,
// default ...) receives: for MessageStructure=json the protocol's entry or the
// default entry, otherwise the message itself.
func (m SNSMessage) Body(protocol string) string {
	if m.MessageStructure != "json" {
		return m.Message
	}
	var doc map[string]string
	if json.Unmarshal([]byte(m.Message), &doc) != nil {
		return ""
	}
	if b, ok := doc[protocol]; ok {
		return b
	}
	return doc["default"]
}

// SNS returns the server's SNS service.
func (s *Server) SNS() *SNS {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.services["sns"].(*SNS)
}

// CreateTopic adds a topic by ARN (arn:aws:sns:region:account:name).
func (n *SNS) CreateTopic(arn string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.topics[arn] = true
}

// Messages returns the messages published so far, oldest first.
func (n *SNS) Messages() []SNSMessage {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]SNSMessage(nil), n.messages...)
}

const snsXMLNS = "http://sns.amazonaws.com/doc/2010-03-31/"

var snsTopicName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}(\.fifo)?$`)

type snsPublishResponse struct {
	XMLName   xml.Name `xml:"PublishResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	MessageID string   `xml:"PublishResult>MessageId"`
	RequestID string   `xml:"ResponseMetadata>RequestId"`
}

type snsCreateTopicResponse struct {
	XMLName   xml.Name `xml:"CreateTopicResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	TopicArn  string   `xml:"CreateTopicResult>TopicArn"`
	RequestID string   `xml:"ResponseMetadata>RequestId"`
}

type snsListTopicsResponse struct {
	XMLName   xml.Name `xml:"ListTopicsResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	Topics    []string `xml:"ListTopicsResult>Topics>member>TopicArn"`
	RequestID string   `xml:"ResponseMetadata>RequestId"`
}

// ServeHTTP serves SNS's Query protocol.
func (n *SNS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		WriteError(w, Query, http.StatusBadRequest, "MalformedQueryString", err.Error())
		return
	}
	action := r.PostForm.Get("Action")
	op := "sns:" + action
	if !n.s.Admit(w, r, Query, op, r.PostForm.Get("TopicArn")) || n.s.checkDenied(w, r, Query, op) {
		return
	}
	c := Caller(r)
	switch action {
	case "Publish":
		n.publish(w, r, c)
	case "CreateTopic":
		name := r.PostForm.Get("Name")
		if !snsTopicName.MatchString(name) {
			snsInvalid(w, "Invalid parameter: Topic Name")
			return
		}
		arn := fmt.Sprintf("arn:aws:sns:%s:%s:%s", c.Region, c.Account, name)
		n.CreateTopic(arn)
		writeXML(w, snsCreateTopicResponse{Xmlns: snsXMLNS, TopicArn: arn, RequestID: "awstest"})
	case "ListTopics":
		n.mu.Lock()
		resp := snsListTopicsResponse{Xmlns: snsXMLNS, Topics: sortedKeys(n.topics), RequestID: "awstest"}
		n.mu.Unlock()
		writeXML(w, resp)
	default:
		WriteError(w, Query, http.StatusBadRequest, "InvalidAction", "awstest: sns action "+action+" is not implemented")
	}
}

func snsInvalid(w http.ResponseWriter, msg string) {
	WriteError(w, Query, http.StatusBadRequest, "InvalidParameter", msg)
}

func (n *SNS) publish(w http.ResponseWriter, r *http.Request, c CallerInfo) {
	f := r.PostForm
	m := SNSMessage{
		TopicArn:         f.Get("TopicArn"),
		Subject:          f.Get("Subject"),
		Message:          f.Get("Message"),
		MessageStructure: f.Get("MessageStructure"),
		Attributes:       map[string]string{},
		Account:          c.Account,
		Region:           c.Region,
	}
	if m.TopicArn == "" {
		if f.Get("TargetArn") != "" || f.Get("PhoneNumber") != "" {
			snsInvalid(w, "awstest: only publishing to topics is implemented")
			return
		}
		snsInvalid(w, "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter")
		return
	}
	size := len(m.Message)
	for i := 1; ; i++ {
		prefix := fmt.Sprintf("MessageAttributes.entry.%d.", i)
		name := f.Get(prefix + "Name")
		if name == "" {
			break
		}
		v := f.Get(prefix + "Value.StringValue")
		if v == "" {
			v = f.Get(prefix + "Value.BinaryValue")
		}
		m.Attributes[name] = v
		size += len(name) + len(f.Get(prefix+"Value.DataType")) + len(v)
	}
	switch {
	case m.Message == "":
		snsInvalid(w, "Invalid parameter: Empty message")
		return
	case size > SNSMaxMessageBytes:
		snsInvalid(w, fmt.Sprintf("Invalid parameter: Message too long (%d bytes, at most %d)", size, SNSMaxMessageBytes))
		return
	}
	if _, ok := f["Subject"]; ok && !validSubject(m.Subject) {
		snsInvalid(w, "Invalid parameter: Subject")
		return
	}
	switch m.MessageStructure {
	case "":
	case "json":
		var doc map[string]any
		if err := json.Unmarshal([]byte(m.Message), &doc); err != nil {
			snsInvalid(w, "Invalid parameter: Message Structure - JSON message body failed to parse")
			return
		}
		if _, ok := doc["default"]; !ok {
			snsInvalid(w, "Invalid parameter: Message Structure - No default entry in JSON message body")
			return
		}
		for k, v := range doc {
			if _, ok := v.(string); !ok {
				snsInvalid(w, "Invalid parameter: Message Structure - the value of "+k+" is not a string")
				return
			}
		}
	default:
		snsInvalid(w, "Invalid parameter: MessageStructure")
		return
	}

	parts := strings.Split(m.TopicArn, ":")
	n.mu.Lock()
	defer n.mu.Unlock()
	if !n.topics[m.TopicArn] || len(parts) != 6 {
		WriteError(w, Query, http.StatusNotFound, "NotFound", "Topic does not exist")
		return
	}
	if parts[4] != c.Account {
		WriteError(w, Query, http.StatusForbidden, "AuthorizationError",
			fmt.Sprintf("User: arn:aws:iam::%s:user/auditor is not authorized to perform: SNS:Publish on resource: %s", c.Account, m.TopicArn))
		return
	}
	if parts[3] != c.Region {
		WriteError(w, Query, http.StatusBadRequest, "InvalidParameter", "Invalid parameter: TopicArn (topic is in region "+parts[3]+")")
		return
	}
	if strings.HasSuffix(m.TopicArn, ".fifo") && f.Get("MessageGroupId") == "" {
		snsInvalid(w, "Invalid parameter: The MessageGroupId parameter is required for FIFO topics")
		return
	}
	n.s.mu.Lock()
	m.MessageID = fmt.Sprintf("00000000-0000-4000-8000-%012d", n.s.nextSeq())
	n.s.mu.Unlock()
	n.messages = append(n.messages, m)
	writeXML(w, snsPublishResponse{Xmlns: snsXMLNS, MessageID: m.MessageID, RequestID: "awstest"})
}

// validSubject reports whether s is a subject SNS accepts: 1 to 100 printable
// ASCII characters, no line breaks, starting with a letter, number or
// punctuation mark.
func validSubject(s string) bool {
	if s == "" || len(s) > 100 || s[0] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
