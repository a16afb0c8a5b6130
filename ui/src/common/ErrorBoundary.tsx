//! Last line of defence: a render error shows a plain message and a way back instead of a blank
//! window. Decisions live in providers above it, so "try again" loses nothing.
import { Alert } from '@gravity-ui/uikit';
import { Component, type ReactNode } from 'react';

interface Props {
  message: string;
  retry: string;
  children: ReactNode;
}

export class ErrorBoundary extends Component<Props, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  override render() {
    if (!this.state.failed) return this.props.children;
    return (
      <div role="alert" data-testid="render-error">
        <Alert
          theme="danger"
          message={this.props.message}
          actions={[{ text: this.props.retry, handler: () => this.setState({ failed: false }) }]}
        />
      </div>
    );
  }
}
