package awsiam

import (
	"maps"
	"slices"
	"strings"
)

// Method is a known way for an AWS principal to raise its own privileges or take
// over another principal's. Methods are data: the escalation check is one
// generic matcher over this table.
type Method struct {
	// ID is stable: findings use it as their key.
	ID string
	// Requires lists the actions that must all be allowed.
	Requires []string
	// PassTo is the service principal a role is passed to (checked against an
	// iam:PassedToService condition on the iam:PassRole grant); empty when the
	// method passes no role.
	PassTo string
	// Broad lists required actions that count only when granted on a wildcard
	// resource: sts:AssumeRole on one named role is ordinary delegation, on
	// "*" it reaches every role that trusts the account.
	Broad []string
	// Description says, in a sentence or two, how the method works.
	Description string
	// Catalogues names the public catalogues that list the method.
	Catalogues []string
}

// Name is the method's actions joined by " + ", the way catalogues name it.
func (m *Method) Name() string { return strings.Join(m.Requires, " + ") }

// Catalogue names.
const (
	rhino       = "Rhino Security Labs"
	pathfinding = "pathfinding.cloud"
)

// References returns the reference page of each catalogue, by catalogue name.
func References() map[string]string {
	return maps.Clone(references)
}

var references = map[string]string{
	rhino:       "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/",
	pathfinding: "https://pathfinding.cloud/",
}

// Methods is the table of escalation methods the privilege-escalation check
// looks for, in catalogue order: IAM changes first, then passing a role to a
// new compute resource, then taking over existing compute.
func Methods() []Method {
	out := make([]Method, len(methods))
	for i, m := range methods {
		out[i] = m.clone()
	}
	return out
}

// clone returns a copy of m that shares no slice with the table.
func (m Method) clone() Method {
	m.Requires, m.Broad, m.Catalogues = slices.Clone(m.Requires), slices.Clone(m.Broad), slices.Clone(m.Catalogues)
	return m
}

var methods = []Method{
	// --- changing IAM directly ---
	{ID: "iam-create-policy-version", Requires: []string{"iam:CreatePolicyVersion"},
		Description: "Publish a new default version of a customer-managed policy attached to the role (or to another principal) that grants everything.",
		Catalogues:  []string{rhino, pathfinding}},
	{ID: "iam-set-default-policy-version", Requires: []string{"iam:SetDefaultPolicyVersion"},
		Description: "Make an older, more permissive version of an attached customer-managed policy the default again.",
		Catalogues:  []string{rhino, pathfinding}},
	{ID: "iam-create-access-key", Requires: []string{"iam:CreateAccessKey"},
		Description: "Create an access key for another, more privileged IAM user and act as that user.",
		Catalogues:  []string{rhino, pathfinding}},
	{ID: "iam-create-login-profile", Requires: []string{"iam:CreateLoginProfile"},
		Description: "Give a console password to a privileged IAM user that has none and sign in as that user.",
		Catalogues:  []string{rhino, pathfinding}},
	{ID: "iam-update-login-profile", Requires: []string{"iam:UpdateLoginProfile"},
		Description: "Reset the console password of a privileged IAM user and sign in as that user.",
		Catalogues:  []string{rhino, pathfinding}},
	{ID: "iam-attach-user-policy", Requires: []string{"iam:AttachUserPolicy"},
		Description: "Attach a managed policy such as AdministratorAccess to a user the attacker controls.",
		Catalogues:  []string{rhino, pathfinding}},
	{ID: "iam-attach-group-policy", Requires: []string{"iam:AttachGroupPolicy"},
		Description: "Attach a managed policy such as AdministratorAccess to a group a controlled user belongs to.",
		Catalogues:  []string{rhino, pathfinding}},
	{ID: "iam-attach-role-policy", Requires: []string{"iam:AttachRolePolicy"},
		Description: "Attach a managed policy such as AdministratorAccess to this role or to another role the attacker can use.",
		Catalogues:  []string{rhino, pathfinding}},
	{ID: "iam-put-user-policy", Requires: []string{"iam:PutUserPolicy"},
		Description: "Write an inline policy granting everything onto a user the attacker controls.",
		Catalogues:  []string{rhino, pathfinding}},
	{ID: "iam-put-group-policy", Requires: []string{"iam:PutGroupPolicy"},
		Description: "Write an inline policy granting everything onto a group a controlled user belongs to.",
		Catalogues:  []string{rhino, pathfinding}},
	{ID: "iam-put-role-policy", Requires: []string{"iam:PutRolePolicy"},
		Description: "Write an inline policy granting everything onto this role or another usable role.",
		Catalogues:  []string{rhino, pathfinding}},
	{ID: "iam-add-user-to-group", Requires: []string{"iam:AddUserToGroup"},
		Description: "Add a controlled user to a privileged group.",
		Catalogues:  []string{rhino, pathfinding}},
	{ID: "iam-update-assume-role-policy", Requires: []string{"iam:UpdateAssumeRolePolicy", "sts:AssumeRole"},
		Description: "Rewrite the trust policy of a privileged role to trust the attacker, then assume it.",
		Catalogues:  []string{rhino, pathfinding}},
	{ID: "iam-delete-role-permissions-boundary", Requires: []string{"iam:DeleteRolePermissionsBoundary"},
		Description: "Remove the permissions boundary that caps a role, unlocking everything its policies grant.",
		Catalogues:  []string{pathfinding}},
	{ID: "iam-put-role-permissions-boundary", Requires: []string{"iam:PutRolePermissionsBoundary"},
		Description: "Replace a role's permissions boundary with a permissive one.",
		Catalogues:  []string{pathfinding}},
	{ID: "sts-assume-role", Requires: []string{"sts:AssumeRole"}, Broad: []string{"sts:AssumeRole"},
		Description: "Assume any role whose trust policy trusts this account; a more privileged role becomes reachable.",
		Catalogues:  []string{pathfinding}},

	// --- passing a role to a new compute resource ---
	{ID: "passrole-ec2-run-instances", Requires: []string{"iam:PassRole", "ec2:RunInstances"}, PassTo: "ec2.amazonaws.com",
		Description: "Launch an instance with a privileged instance profile and read its credentials from the instance metadata service.",
		Catalogues:  []string{rhino, pathfinding}},
	{ID: "passrole-ec2-request-spot-instances", Requires: []string{"iam:PassRole", "ec2:RequestSpotInstances"}, PassTo: "ec2.amazonaws.com",
		Description: "Request a spot instance with a privileged instance profile and read its credentials.",
		Catalogues:  []string{pathfinding}},
	{ID: "passrole-ec2-associate-instance-profile", Requires: []string{"iam:PassRole", "ec2:AssociateIamInstanceProfile"}, PassTo: "ec2.amazonaws.com",
		Description: "Attach a privileged instance profile to an instance the attacker already controls.",
		Catalogues:  []string{rhino}},
	{ID: "passrole-lambda-create-invoke", Requires: []string{"iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"}, PassTo: "lambda.amazonaws.com",
		Description: "Create a function with a privileged execution role and invoke it to act with that role.",
		Catalogues:  []string{rhino, pathfinding}},
	{ID: "passrole-lambda-create-event-source", Requires: []string{"iam:PassRole", "lambda:CreateFunction", "lambda:CreateEventSourceMapping"}, PassTo: "lambda.amazonaws.com",
		Description: "Create a function with a privileged execution role and have a stream or queue trigger it.",
		Catalogues:  []string{rhino, pathfinding}},
	{ID: "passrole-lambda-create-add-permission", Requires: []string{"iam:PassRole", "lambda:CreateFunction", "lambda:AddPermission"}, PassTo: "lambda.amazonaws.com",
		Description: "Create a function with a privileged execution role and grant the attacker permission to invoke it.",
		Catalogues:  []string{pathfinding}},
	{ID: "passrole-glue-create-dev-endpoint", Requires: []string{"iam:PassRole", "glue:CreateDevEndpoint"}, PassTo: "glue.amazonaws.com",
		Description: "Create a Glue development endpoint with a privileged role and log in to it over SSH.",
		Catalogues:  []string{rhino, pathfinding}},
	{ID: "passrole-glue-create-job-start", Requires: []string{"iam:PassRole", "glue:CreateJob", "glue:StartJobRun"}, PassTo: "glue.amazonaws.com",
		Description: "Create a Glue job with a privileged role and run attacker code in it.",
		Catalogues:  []string{pathfinding}},
	{ID: "passrole-glue-create-job-trigger", Requires: []string{"iam:PassRole", "glue:CreateJob", "glue:CreateTrigger"}, PassTo: "glue.amazonaws.com",
		Description: "Create a Glue job with a privileged role and a trigger that runs it.",
		Catalogues:  []string{pathfinding}},
	{ID: "passrole-glue-update-job-start", Requires: []string{"iam:PassRole", "glue:UpdateJob", "glue:StartJobRun"}, PassTo: "glue.amazonaws.com",
		Description: "Point an existing Glue job at a privileged role and attacker code, then run it.",
		Catalogues:  []string{pathfinding}},
	{ID: "passrole-glue-create-session", Requires: []string{"iam:PassRole", "glue:CreateSession", "glue:RunStatement"}, PassTo: "glue.amazonaws.com",
		Description: "Open an interactive Glue session with a privileged role and run statements in it.",
		Catalogues:  []string{pathfinding}},
	{ID: "passrole-cloudformation-create-stack", Requires: []string{"iam:PassRole", "cloudformation:CreateStack"}, PassTo: "cloudformation.amazonaws.com",
		Description: "Create a stack with a privileged service role whose template creates whatever the attacker wants.",
		Catalogues:  []string{rhino, pathfinding}},
	{ID: "passrole-cloudformation-create-stackset", Requires: []string{"iam:PassRole", "cloudformation:CreateStackSet", "cloudformation:CreateStackInstances"}, PassTo: "cloudformation.amazonaws.com",
		Description: "Create a stack set with a privileged administration role and deploy its instances.",
		Catalogues:  []string{pathfinding}},
	{ID: "passrole-cloudformation-update-stackset", Requires: []string{"iam:PassRole", "cloudformation:UpdateStackSet"}, PassTo: "cloudformation.amazonaws.com",
		Description: "Update an existing stack set to use a privileged role and an attacker template.",
		Catalogues:  []string{pathfinding}},
	{ID: "passrole-datapipeline", Requires: []string{"iam:PassRole", "datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"}, PassTo: "datapipeline.amazonaws.com",
		Description: "Create a Data Pipeline whose activity runs attacker commands with a privileged role.",
		Catalogues:  []string{rhino, pathfinding}},
	{ID: "passrole-codebuild-create-project", Requires: []string{"iam:PassRole", "codebuild:CreateProject", "codebuild:StartBuild"}, PassTo: "codebuild.amazonaws.com",
		Description: "Create a CodeBuild project with a privileged service role and run a buildspec that uses it.",
		Catalogues:  []string{pathfinding}},
	{ID: "passrole-codebuild-create-project-batch", Requires: []string{"iam:PassRole", "codebuild:CreateProject", "codebuild:StartBuildBatch"}, PassTo: "codebuild.amazonaws.com",
		Description: "Create a CodeBuild project with a privileged service role and run a batch build that uses it.",
		Catalogues:  []string{pathfinding}},
	{ID: "passrole-sagemaker-notebook", Requires: []string{"iam:PassRole", "sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"}, PassTo: "sagemaker.amazonaws.com",
		Description: "Create a notebook instance with a privileged role and open its Jupyter terminal.",
		Catalogues:  []string{pathfinding}},
	{ID: "passrole-sagemaker-training-job", Requires: []string{"iam:PassRole", "sagemaker:CreateTrainingJob"}, PassTo: "sagemaker.amazonaws.com",
		Description: "Run a training job with a privileged role and an attacker container.",
		Catalogues:  []string{pathfinding}},
	{ID: "passrole-sagemaker-processing-job", Requires: []string{"iam:PassRole", "sagemaker:CreateProcessingJob"}, PassTo: "sagemaker.amazonaws.com",
		Description: "Run a processing job with a privileged role and an attacker container.",
		Catalogues:  []string{pathfinding}},
	{ID: "passrole-ecs-run-task", Requires: []string{"iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:RunTask"}, PassTo: "ecs-tasks.amazonaws.com",
		Description: "Register a task definition with a privileged task role and run it.",
		Catalogues:  []string{pathfinding}},
	{ID: "passrole-ecs-start-task", Requires: []string{"iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:StartTask"}, PassTo: "ecs-tasks.amazonaws.com",
		Description: "Register a task definition with a privileged task role and start it on a container instance.",
		Catalogues:  []string{pathfinding}},
	{ID: "passrole-ecs-create-service", Requires: []string{"iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:CreateService"}, PassTo: "ecs-tasks.amazonaws.com",
		Description: "Register a task definition with a privileged task role and create a service that runs it.",
		Catalogues:  []string{pathfinding}},
	{ID: "passrole-apprunner-create-service", Requires: []string{"iam:PassRole", "apprunner:CreateService"}, PassTo: "tasks.apprunner.amazonaws.com",
		Description: "Create an App Runner service with a privileged instance role and a start command that uses it.",
		Catalogues:  []string{pathfinding}},
	{ID: "passrole-batch-submit-job", Requires: []string{"iam:PassRole", "batch:RegisterJobDefinition", "batch:SubmitJob"}, PassTo: "ecs-tasks.amazonaws.com",
		Description: "Register a Batch job definition with a privileged job role and submit it.",
		Catalogues:  []string{pathfinding}},
	{ID: "passrole-bedrock-code-interpreter", Requires: []string{"iam:PassRole", "bedrock-agentcore:CreateCodeInterpreter", "bedrock-agentcore:StartCodeInterpreterSession", "bedrock-agentcore:InvokeCodeInterpreter"}, PassTo: "bedrock-agentcore.amazonaws.com",
		Description: "Create a Bedrock AgentCore code interpreter with a privileged execution role and run code that reads its credentials.",
		Catalogues:  []string{pathfinding}},
	{ID: "passrole-bedrock-agent-runtime", Requires: []string{"iam:PassRole", "bedrock-agentcore:CreateAgentRuntime", "bedrock-agentcore:InvokeAgentRuntime"}, PassTo: "bedrock-agentcore.amazonaws.com",
		Description: "Create a Bedrock AgentCore agent runtime with a privileged role and invoke attacker code in it.",
		Catalogues:  []string{pathfinding}},
	{ID: "passrole-bedrock-browser", Requires: []string{"iam:PassRole", "bedrock-agentcore:CreateBrowser", "bedrock-agentcore:StartBrowserSession"}, PassTo: "bedrock-agentcore.amazonaws.com",
		Description: "Create a Bedrock AgentCore browser with a privileged execution role and drive a session in it.",
		Catalogues:  []string{pathfinding}},
	{ID: "passrole-braket-create-job", Requires: []string{"iam:PassRole", "braket:CreateJob"}, PassTo: "braket.amazonaws.com",
		Description: "Run a Braket hybrid job with a privileged role and attacker code.",
		Catalogues:  []string{pathfinding}},
	{ID: "passrole-cognito-identity-pool-roles", Requires: []string{"iam:PassRole", "cognito-identity:SetIdentityPoolRoles"}, PassTo: "cognito-identity.amazonaws.com",
		Description: "Make a privileged role the role of an identity pool the attacker can get credentials from.",
		Catalogues:  []string{pathfinding}},
	{ID: "passrole-amplify-app", Requires: []string{"iam:PassRole", "amplify:CreateApp", "amplify:CreateBranch", "amplify:StartJob"}, PassTo: "amplify.amazonaws.com",
		Description: "Create an Amplify app with a privileged service role and run a build that uses it.",
		Catalogues:  []string{pathfinding}},
	{ID: "passrole-emr-run-job-flow", Requires: []string{"iam:PassRole", "elasticmapreduce:RunJobFlow"}, PassTo: "elasticmapreduce.amazonaws.com",
		Description: "Start an EMR cluster with a privileged role and run attacker steps on it.",
		Catalogues:  []string{pathfinding}},
	{ID: "passrole-emr-serverless", Requires: []string{"iam:PassRole", "emr-serverless:CreateApplication", "emr-serverless:StartJobRun"}, PassTo: "emr-serverless.amazonaws.com",
		Description: "Run an EMR Serverless job with a privileged execution role.",
		Catalogues:  []string{pathfinding}},
	{ID: "passrole-kinesisanalytics", Requires: []string{"iam:PassRole", "kinesisanalytics:CreateApplication", "kinesisanalytics:StartApplication"}, PassTo: "kinesisanalytics.amazonaws.com",
		Description: "Run a Managed Service for Apache Flink application with a privileged role.",
		Catalogues:  []string{pathfinding}},
	{ID: "passrole-stepfunctions", Requires: []string{"iam:PassRole", "states:CreateStateMachine", "states:StartExecution"}, PassTo: "states.amazonaws.com",
		Description: "Create a state machine with a privileged role whose tasks call AWS APIs, and start it.",
		Catalogues:  []string{pathfinding}},

	// --- taking over existing compute that runs with another role ---
	{ID: "lambda-update-function-code", Requires: []string{"lambda:UpdateFunctionCode"},
		Description: "Replace the code of an existing function that runs with a more privileged role.",
		Catalogues:  []string{rhino, pathfinding}},
	{ID: "lambda-update-function-configuration", Requires: []string{"lambda:UpdateFunctionConfiguration"},
		Description: "Attach an attacker layer or change the handler or environment of a function that runs with a more privileged role.",
		Catalogues:  []string{rhino}},
	{ID: "glue-update-dev-endpoint", Requires: []string{"glue:UpdateDevEndpoint"},
		Description: "Add an SSH key to an existing Glue development endpoint and use its role.",
		Catalogues:  []string{rhino, pathfinding}},
	{ID: "ssm-send-command", Requires: []string{"ssm:SendCommand"},
		Description: "Run commands on managed instances and read their instance profile credentials.",
		Catalogues:  []string{pathfinding}},
	{ID: "ssm-start-session", Requires: []string{"ssm:StartSession"},
		Description: "Open a shell on managed instances and read their instance profile credentials.",
		Catalogues:  []string{pathfinding}},
	{ID: "ec2-instance-connect", Requires: []string{"ec2-instance-connect:SendSSHPublicKey"},
		Description: "Push an SSH key to an instance, log in and read its instance profile credentials.",
		Catalogues:  []string{pathfinding}},
	{ID: "ec2-modify-user-data", Requires: []string{"ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances"},
		Description: "Replace an instance's user data and restart it so the new script runs with its instance profile.",
		Catalogues:  []string{pathfinding}},
	{ID: "ec2-launch-template-version", Requires: []string{"ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate"},
		Description: "Publish a launch template version with attacker user data and make it the default for instances launched with a privileged profile.",
		Catalogues:  []string{pathfinding}},
	{ID: "ecs-execute-command", Requires: []string{"ecs:ExecuteCommand"},
		Description: "Open a shell in a running task and use its task role.",
		Catalogues:  []string{pathfinding}},
	{ID: "codebuild-start-build", Requires: []string{"codebuild:StartBuild"},
		Description: "Start a build of an existing project with a buildspec override that uses its service role.",
		Catalogues:  []string{pathfinding}},
	{ID: "codebuild-start-build-batch", Requires: []string{"codebuild:StartBuildBatch"},
		Description: "Start a batch build of an existing project with a buildspec override that uses its service role.",
		Catalogues:  []string{pathfinding}},
	{ID: "cloudformation-update-stack", Requires: []string{"cloudformation:UpdateStack"},
		Description: "Update an existing stack that has a privileged service role with an attacker template.",
		Catalogues:  []string{pathfinding}},
	{ID: "cloudformation-change-set", Requires: []string{"cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"},
		Description: "Create and execute a change set on a stack that has a privileged service role.",
		Catalogues:  []string{pathfinding}},
	{ID: "apprunner-update-service", Requires: []string{"apprunner:UpdateService"},
		Description: "Change the image or start command of an App Runner service that runs with a privileged role.",
		Catalogues:  []string{pathfinding}},
	{ID: "batch-submit-job", Requires: []string{"batch:SubmitJob"},
		Description: "Submit a job to an existing privileged job definition with a command override.",
		Catalogues:  []string{pathfinding}},
	{ID: "codedeploy-create-deployment", Requires: []string{"codedeploy:CreateDeployment"},
		Description: "Deploy attacker code to the instances of an existing deployment group, which run with their instance profile.",
		Catalogues:  []string{pathfinding}},
	{ID: "bedrock-code-interpreter-session", Requires: []string{"bedrock-agentcore:StartCodeInterpreterSession", "bedrock-agentcore:InvokeCodeInterpreter"},
		Description: "Run code in an existing Bedrock AgentCore code interpreter that has a privileged execution role.",
		Catalogues:  []string{pathfinding}},
	{ID: "bedrock-agent-runtime-command", Requires: []string{"bedrock-agentcore:InvokeAgentRuntimeCommand"},
		Description: "Run a command inside an existing Bedrock AgentCore agent runtime and use its role.",
		Catalogues:  []string{pathfinding}},
	{ID: "sagemaker-presigned-notebook-url", Requires: []string{"sagemaker:CreatePresignedNotebookInstanceUrl"},
		Description: "Open the Jupyter terminal of an existing notebook instance that has a privileged role.",
		Catalogues:  []string{pathfinding}},
	{ID: "sagemaker-notebook-lifecycle-config", Requires: []string{"sagemaker:CreateNotebookInstanceLifecycleConfig", "sagemaker:UpdateNotebookInstance"},
		Description: "Attach a lifecycle script to an existing notebook instance so it runs with the instance's role.",
		Catalogues:  []string{pathfinding}},
}

// MethodByID returns the method with the given id.
func MethodByID(id string) (Method, bool) {
	for _, m := range methods {
		if m.ID == id {
			return m, true
		}
	}
	return Method{}, false
}
